"""Arabic text analysis for the archive's search fields.

A pipeline in the manner of Whoosh's ``analysis`` package and Lucene's
Arabic analyzer, one concern per module:

- ``normalize``: character folding (harakat, tatweel, hamza, alef, yeh,
  teh marbuta, digits, presentation forms, invisible characters);
- ``tokenize``: splitting normalized text into terms, with offsets into
  the original text, and the Whoosh ``ArabicTokenizer``;
- ``stopwords``: the normalized stop-word list;
- ``stem``: the light stemmer;
- ``filters``: the Whoosh filters around them;
- ``analyzers``: the analyzers of the stemmed and the exact-form fields,
  and ``analyze_terms`` for code that needs the terms without Whoosh.
"""
