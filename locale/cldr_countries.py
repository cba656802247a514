"""Print .po entries translating django-countries' country names from CLDR (via Babel).

django-countries ships no Bengali or Urdu catalog. Usage, then merge as locale/README.md says:
    .venv/bin/python locale/cldr_countries.py bn > /tmp/bn-countries.po
    msgcat --use-first locale/bn/extra.po /tmp/bn-countries.po -o locale/bn/extra.po
"""

import sys

from babel import Locale
from django_countries.data import COUNTRIES


def po_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def main(language: str) -> None:
    territories = Locale.parse(language).territories
    print('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"')
    print(f'"Language: {language}\\n"\n')
    for code, name in sorted(COUNTRIES.items()):
        local = territories.get(code)
        if local:
            print(f"#. CLDR territory {code}")
            print(f'msgid "{po_escape(name._args[0])}"')
            print(f'msgstr "{po_escape(local)}"\n')


if __name__ == "__main__":
    main(sys.argv[1])
