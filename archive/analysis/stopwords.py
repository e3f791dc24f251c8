"""Arabic stop words, normalized like the indexed text.

The list starts from the one Lucene's Arabic analyzer uses (Savoy) and is
written here in ordinary spelling, then normalized at import, so that it
matches tokens after normalization (Lucene has to list the hamza variants
of each word because it removes stop words first).  It adds what a news
search needs to ignore: question words (queries are often questions),
pronouns, demonstratives, relatives (with the common misspellings اللذي and اللتي),
the particles and prepositions with
their attached pronouns, the passive auxiliary ``تم``, and the common
function words with an attached conjunction (``وفي``, ``فإن``).  It keeps
every content word, reporting verbs (``قال``) and time words (``اليوم``,
``أمس``) included: BM25 already weighs frequent words down, and a reader may
search for them.

Single Arabic letters are stop words too: after tokenizing they are stray
letters (``2015 م``, a detached preposition) and never a useful query.
"""

from archive.analysis.normalize import normalize

_LUCENE = """
من ومن منها منه في وفي فيها فيه و ف ثم او أو ب بها به ا أ اى اي أي أى لا ولا
الا ألا إلا لكن ما وما كما فما عن مع اذا إذا ان أن إن انها أنها إنها انه أنه
إنه بان بأن فان فأن وان وأن وإن التى التي الذى الذي الذين الى الي إلى إلي على
عليها عليه اما أما إما ايضا أيضا كل وكل لم ولم لن ولن هى هي هو وهى وهي وهو فهى
فهي فهو انت أنت لك لها له هذه هذا تلك ذلك هناك كانت كان يكون تكون وكانت وكان
غير بعض قد نحو بين بينما منذ ضمن حيث الان الآن خلال بعد قبل حتى عند عندما لدى
جميع
"""

_FUNCTION_WORDS = """
أنا نحن أنتم أنتما أنتن أنتِ هم هن هما إياه إياها إياهم إياك إياي إيانا
هذان هاتان هذين هاتين هؤلاء أولئك ذلكم ذاك هنا هنالك ها
اللذان اللتان اللذين اللتين اللاتي اللواتي اللائي اللذي اللتي
ماذا متى أين كيف لماذا هل كم أيها أيتها يا ماهو ماهي بماذا لمن بمن عمن بكم
بأي لأي بأية لأية
إذ لو لولا لوما ليس ليست ليسوا لست لقد سوف سواء بل أم إنما إما كأن كأنه كأنها
لكنه لكنها لكنهم لكننا ولكن ولكنه لأن لأنه لأنها لأنهم بأنه بأنها بأنهم إنني إني
إننا أنني أننا إنهم أنهم إنهما أنهما أنك أنكم
حين حينما كلما لما مما ممن عما فيما بما ربما طالما بمجرد بينه بينها بينهم بينهما
عبر دون بدون سوى مثل حول تحت فوق أمام خلف وراء ضد لدي عن إثر اثناء أثناء رغم
حسب وفق لدى عندها عنده عندهم عندنا لديه لديها لديهم لدينا
ذات كافة جميعها جميعهم كله كلها كلهم كلاهما كلتا بعضها بعضهم بعضنا لبعض
تم تمت يتم تتم وتم وتمت ويتم فقط جدا كذلك وكذلك بذلك لذلك بهذا بهذه لهذا لهذه لذا
منهم منهما منا منك منكم فيهم فيهما فينا فيك فيكم عليهم عليهما علينا عليك
عليكم إليه إليها إليهم إلينا إليك إليكم لهم لهما لنا لي لكم بهم بهما بنا بي
بك بكم عنه عنها عنهم عنهما عنا عنك عنكم معه معها معهم معهما معنا معك معكم
قبله قبلها بعده بعدها أيضًا ال
"""

# Function words that also appear with an attached conjunction (و, ف).
_CONJUNCTION_HOSTS = """
في من على إلى عن مع إن أن إنه أنه إنها أنها هو هي هذا هذه ذلك تلك كان كانت قد
لم لن لا ما التي الذي الذين لكن كل غير بعد قبل بين حتى كما عند إذا ثم هناك لها
له منها منه فيها فيه عليه عليها بها به هنا أي أيضا إن لأن بأن حيث منذ خلال
"""
# فهم is a content word ("understanding"), so only the waw form of هم is listed.
_CONJUNCTION_EXTRA = "وهم"

_ARABIC_LETTERS = "ءابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _normalized(words):
    return {normalize(word) for word in words.split()}


def _with_conjunctions(words):
    return {conjunction + word for word in _normalized(words) for conjunction in "وف"}


STOP_WORDS = frozenset(
    _normalized(_LUCENE)
    | _normalized(_FUNCTION_WORDS)
    | _with_conjunctions(_CONJUNCTION_HOSTS)
    | _normalized(_CONJUNCTION_EXTRA)
    | set(_ARABIC_LETTERS)
)
