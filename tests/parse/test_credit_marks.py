"""Credits as the world's news sites print them, at the start or end of a caption."""
import pytest

from etl.parse.credit_marks import is_agency, split_credit_tail, split_leading_credit


@pytest.mark.parametrize("text, caption, credit", [
    # labels in several languages, with the separators pages put before them
    ("Die Feuerwehr vor dem Rathaus. Foto: dpa", "Die Feuerwehr vor dem Rathaus.", "dpa"),
    ("Der Kanzler im Studio Quelle: Martin Schutt/dpa", "Der Kanzler im Studio", "Martin Schutt/dpa"),
    ("Die Polizei regelt den Verkehr. © dpa | Jens Kalaene", "Die Polizei regelt den Verkehr.", "dpa | Jens Kalaene"),
    ("Herdenking in Luik. — © BELGA", "Herdenking in Luik.", "BELGA"),
    ("Vier Kandidaten | Foto: Zvg.", "Vier Kandidaten", "Zvg"),
    ("Le port de Marseille. Photo : AFP", "Le port de Marseille.", "AFP"),
    ("El alcalde en Madrid. Imagen: Ayuntamiento de Madrid", "El alcalde en Madrid.", "Ayuntamiento de Madrid"),
    ("Переговорщики в зале Фото: Дмитрий Азаров, Коммерсантъ", "Переговорщики в зале", "Дмитрий Азаров, Коммерсантъ"),
    ("Bác sĩ nội soi cho bệnh nhân. Ảnh: Bệnh viện cung cấp", "Bác sĩ nội soi cho bệnh nhân.", "Bệnh viện cung cấp"),
    ("대통령 당선인 [사진 출처 = 연합뉴스]", "대통령 당선인", "연합뉴스"),
    ("Madrid, en 2025. Cedida por la Plataforma vecinal", "Madrid, en 2025.", "Cedida por la Plataforma vecinal"),
    # no label: an agency after the last sentence, a Name/Agency chain, Name (Agency)
    ("Verstappen en la primera vuelta. AFP", "Verstappen en la primera vuelta.", "AFP"),
    ("Der Minister in Berlin. Philipp von Ditfurth/dpa", "Der Minister in Berlin.", "Philipp von Ditfurth/dpa"),
    ("Foto de familia del Grupo de Madrid EFE/ J.J. Guillén", "Foto de familia del Grupo de Madrid", "EFE/ J.J. Guillén"),
    ("Migrantes en Gjadër, el 1 de agosto. Alketa Misja (dpa/picture alliance via Getty)",
     "Migrantes en Gjadër, el 1 de agosto.", "Alketa Misja (dpa/picture alliance via Getty)"),
    ("Fans at the match. Niall Carson/PA Images via Getty Images", "Fans at the match.",
     "Niall Carson/PA Images via Getty Images"),
    ("Personen gehen zum Schiff: 11. Mai 2026 (AFP / JORGE GUERRERO)", "Personen gehen zum Schiff: 11. Mai 2026",
     "AFP / JORGE GUERRERO"),
    ("Kryžius, asociatyvi nuotr. / J. Stacevičiaus / LRT nuotr.", "Kryžius, asociatyvi nuotr.",
     "J. Stacevičiaus / LRT nuotr"),
    # CJK conventions
    ("尹大統領の発言をテレビで見る国民（ソウルで、３日）＝ＡＰ", "尹大統領の発言をテレビで見る国民（ソウルで、３日）", "ＡＰ"),
    ("警視庁を出る容疑者＝13日、東京で（潟沼義樹撮影）", "警視庁を出る容疑者＝13日、東京で", "潟沼義樹"),
    ("日本代表の（左から）西田、石川（Ｃ）共同通信社", "日本代表の（左から）西田、石川", "共同通信社"),
    ("연설하고 있다. 연합뉴스", "연설하고 있다.", "연합뉴스"),
    ("인사를 하고 있다. 고영권 기자", "인사를 하고 있다.", "고영권 기자"),
    ("책자를 점검하고 있다. 인천=연합뉴스", "책자를 점검하고 있다.", "연합뉴스"),
])
def test_credit_at_the_end_is_split_off(text, caption, credit):
    assert split_credit_tail(text) == (caption, credit)


@pytest.mark.parametrize("text", [
    "In der Mitte: ein Beitrag der Generation Islam.",
    "Das Foto: ein Beweis für alles",  # a label word inside a sentence that goes on
    "Zelensky (left) may be forced to fire Syrsky (right)",
    "The mayor said. Then he left.",
    "Er sagte: Wir schaffen das",
    "Foto: dpa",  # a credit alone is not split into an empty caption
    "Rock / Pop / Jazz im Park",  # slashes between words that name no one
    "점검하고 있다. 비율=절반",  # "=" before a word that names no agency or reporter
])
def test_caption_without_a_credit_is_left_alone(text):
    assert split_credit_tail(text) is None


def test_credit_is_never_cut_inside_a_word_or_after_an_initial():
    for text in ("Fans cheer. Niall Carson/PA Images via Getty Images", "Der Start. Hannes P. Albert/dpa",
                 "Der Kanzler. © IMAGO/Beautiful Sports/ R.Schmitt"):
        caption, credit = split_credit_tail(text)
        assert text.endswith(credit)
        # the credit starts at a word boundary
        start = len(text) - len(credit)
        assert start == 0 or not text[start - 1].isalnum()
        assert not caption.endswith(("P.", "/P"))


@pytest.mark.parametrize("text, credit, caption", [
    ("Bild: SN/APA/KEYSTONE/CYRIL ZINGARO Nationaler Trauertag für die Opfer",
     "SN/APA/KEYSTONE/CYRIL ZINGARO", "Nationaler Trauertag für die Opfer"),
    ("The Yomiuri Shimbun The leaders of the two countries shake hands", "The Yomiuri Shimbun",
     "The leaders of the two countries shake hands"),
    ("Foto: dpa/Max Muster Der Kanzler spricht im Bundestag", "dpa/Max Muster", "Der Kanzler spricht im Bundestag"),
])
def test_credit_at_the_start_is_split_off(text, credit, caption):
    assert split_leading_credit(text) == (credit, caption)


def test_leading_words_that_are_no_credit_stay():
    assert split_leading_credit("The leaders of the two countries shake hands") is None
    assert split_leading_credit("Foto de familia de la cumbre en Madrid") is None


def test_agency_list_folds_width_and_case():
    assert is_agency("ＡＰ") and is_agency("Keystone") and is_agency("picture alliance") and is_agency("EFE")
    assert not is_agency("Hamburg")
