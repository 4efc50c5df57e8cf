"""Iron tablets and deworming (pure), as screening, PWS and notify read them.

- *Tablet tambah darah* (TTD): a pregnant woman gets at least 90 tablets over her pregnancy
  (Permenkes 88/2014 on TTD for women of childbearing age and pregnant women; the Perpres
  72/2021 indicator *ibu hamil yang mendapat TTD minimal 90 tablet selama masa
  kehamilan*), given at ANC contacts – usually 30 at a time; remaja putri and women of
  childbearing age one a week (the Perpres indicator *remaja putri yang mengonsumsi
  TTD*), from 12 at school – a posyandu remaja may give a girl of 10. A man or a child
  gets none.
- *Obat cacing* (Permenkes 15/2017, Penanggulangan Cacingan): albendazole or pyrantel for
  children from 12 months, at the posyandu for balita – in many districts with the
  vitamin A capsule in February and August, once or twice a year by the district's
  prevalence; PWS reads the months from its catalogue.
"""

from __future__ import annotations

IRON_FROM_YEARS = 10
PREGNANCY_IRON_TABLETS = 90
MAX_IRON_TABLETS = 100  # at one visit: three months' supply at most (a 100-tablet bottle)
DEWORMING_FROM_MONTHS = 12


def iron_eligible(sex: str, age_months: int, pregnant: bool) -> bool:
    """A person the iron tablets programme gives TTD to: a pregnant woman, or a girl or
    woman from 10."""
    return pregnant or (sex == "F" and age_months >= IRON_FROM_YEARS * 12)


def deworming_eligible(age_months: int) -> bool:
    return age_months >= DEWORMING_FROM_MONTHS
