"""Small default stop-word lists for the six languages the tokeniser knows.

They are short on purpose: function words (articles, pronouns, auxiliaries, prepositions,
conjunctions) that carry no topic. Negations ("not", "nicht", "ne", "नहीं", "안", "不") are kept as
terms, because "not working" is what a complaint sounds like. The log-odds ranking already damps
words that are common everywhere, so a list only has to remove what would otherwise crowd the
top of a ranking over very little data.

Chinese entries are single characters: a Han bigram that contains one is not a term.
"""

from __future__ import annotations

from typing import Final

_EN: Final = """
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i i'd i'll i'm i've if in into is it
it's its itself just let's me more most my myself of off on once only or other our ours
ourselves out over own same she should so some such than that that's the their theirs them
themselves then there there's these they they're this those through to too under until up us
very was we we're were what when where which while who whom why will with would you you're your
yours yourself also get got im u ur
"""

_DE: Final = """
aber als am an auch auf aus bei bin bis bist da damit dann das dass dein deine dem den der des
dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen
einer eines er es etwas euch euer eure für kann können hab habe haben hat hatte hatten hier ich
ihm ihn ihnen ihr ihre ihrem ihren ihrer im in ist ja jetzt man mein meine mich mir mit nach
noch nun nur ob oder ohne schon sehr sein seine sich sie sind so über um und uns unser unsere
vom von vor war waren was weil wenn wer werden wie wir wird wo wurde zu zum zur
"""

_HR: Final = """
a ako ali bi bih bio bila bile bili bilo biti da do dok gdje ga i ih ili iz ja je jer jesam jesi
još joj ju k ka kad kada kako kao koja koje koji kojoj kojem koju li me mene meni mi mu na nad
nas neka neki nešto njega njemu njih njoj o od ona one oni ono ova ove ovaj ovo pa po pod pri s
sa sam samo se si smo su sve svoj svoje svoju ta taj te ti to tu u uz vam vas već vi za će ćemo
ćete ćeš ću što
"""

_HI: Final = """
अपना अपने आप आपका आपकी आपके आपको और इस इसका इसकी इसके इसमें इसे उन उनका उनकी उनके उस उसका उसकी
उसके उसे एक एवं ऐसे कर करता करते करना करने का कि किया किसी की कुछ के को कोई गया जब जा जो तक तब
तो था थी थे दिया द्वारा ने पर भी में लिए मैं यह यदि या ये रहा रहे वह वे साथ से हम हुआ हुए है हैं
हो होता होती होते होने ही
"""

_KO: Final = """
그 그것 그리고 데 그러나 그런 그래서 하지만 또는 또한 및 등 것 수 때 더 이
저 이것 저것 거 있습니다 합니다 했습니다 됩니다 입니다 있는 하는 있다 하다
했다 된 될 위해 통해 대한 대해 같은 때문 우리 저희 제 나 너 당신
"""

_ZH: Final = """
的 了 是 在 和 与 及 或 也 都 就 这 那 我 你 他 她 它 们 吗 呢 吧 啊
个 之 而 被 把 于 从 为 以 着 过 地 得
"""

#: The raw lists (the tokeniser normalises them as it normalises text).
RAW_STOP_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "en": tuple(_EN.split()),
    "de": tuple(_DE.split()),
    "hr": tuple(_HR.split()),
    "hi": tuple(_HI.split()),
    "ko": tuple(_KO.split()),
    "zh": tuple(_ZH.split()),
}
