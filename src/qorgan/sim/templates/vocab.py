"""Words that fill the templates: places, names, goods, companies, emojis and contact lines.

Everything is keyed by language (``kk``, ``ru``, ``en``) where the wording differs. Names are
common given names only; no real person's data is here.
"""

from __future__ import annotations

Lang = str
ByLang = dict[Lang, tuple[str, ...]]

CITIES: ByLang = {
    "ru": ("Алматы", "Астане", "Шымкенте", "Караганде", "Актобе", "Павлодаре", "Атырау",
           "Костанае", "Таразе", "Усть-Каменогорске"),
    "kk": ("Алматы", "Астана", "Шымкент", "Қарағанды", "Ақтөбе", "Павлодар", "Атырау",
           "Қостанай", "Тараз", "Өскемен"),
    "en": ("Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe", "Pavlodar", "Atyrau",
           "Kostanay", "Taraz", "Oskemen"),
}  # fmt: skip

DISTRICTS: ByLang = {
    "ru": ("Бостандыкский р-н", "Алмалинский р-н", "мкр Самал", "Есильский р-н", "мкр Аксай",
           "Левый берег", "мкр Шугыла", "Медеуский р-н"),
    "kk": ("Бостандық ауданы", "Алмалы ауданы", "Самал ықшамауданы", "Есіл ауданы",
           "Ақсай ықшамауданы", "Сол жағалау", "Медеу ауданы"),
    "en": ("Bostandyk district", "Almaly district", "Samal", "Yesil district", "Aksai",
           "Left Bank", "Medeu district"),
}  # fmt: skip

STREETS: ByLang = {
    "ru": ("Абая", "Достык", "Толе би", "Жибек жолы", "Сатпаева", "Кабанбай батыра", "Туран"),
    "kk": ("Абай", "Достық", "Төле би", "Жібек жолы", "Сәтбаев", "Қабанбай батыр", "Тұран"),
    "en": ("Abay Ave", "Dostyk Ave", "Tole Bi St", "Zhibek Zholy St", "Satpayev St",
           "Turan Ave"),
}  # fmt: skip

NAMES: ByLang = {
    "ru": ("Айгерим", "Нурлан", "Данияр", "Асель", "Ерлан", "Жанна", "Арман", "Алия",
           "Сергей", "Ольга"),
    "kk": ("Айгерім", "Нұрлан", "Данияр", "Әсел", "Ерлан", "Жанна", "Арман", "Әлия", "Бауыржан"),
    "en": ("Aigerim", "Nurlan", "Daniyar", "Assel", "Yerlan", "Zhanna", "Arman", "Aliya"),
}  # fmt: skip

ITEMS: tuple[tuple[str, str, str, int], ...] = (
    # (ru, kk, en, market price in tenge)
    ("iPhone 15 Pro", "iPhone 15 Pro", "iPhone 15 Pro", 550_000),
    ("PlayStation 5", "PlayStation 5", "PlayStation 5", 280_000),
    ("Dyson V15", "Dyson V15", "Dyson V15", 350_000),
    ("AirPods Pro", "AirPods Pro", "AirPods Pro", 110_000),
    ("Samsung Galaxy S24", "Samsung Galaxy S24", "Samsung Galaxy S24", 450_000),
    ("MacBook Air M2", "MacBook Air M2", "MacBook Air M2", 600_000),
    ("кроссовки Nike Air Max", "Nike Air Max кроссовкасы", "Nike Air Max sneakers", 70_000),
    ("робот-пылесос Xiaomi", "Xiaomi робот-шаңсорғышы", "Xiaomi robot vacuum", 120_000),
    ("детская коляска", "балалар арбасы", "baby stroller", 150_000),
    ("пуховик The North Face", "The North Face пуховигі", "The North Face jacket", 90_000),
    ('телевизор LG 55"', 'LG 55" теледидары', 'LG 55" TV', 260_000),
    ("шуба из норки", "күзен тон", "mink fur coat", 900_000),
)

CARS: tuple[tuple[str, int], ...] = (
    ("Toyota Camry", 14_000_000), ("Hyundai Accent", 7_500_000), ("Kia Rio", 7_800_000),
    ("Chevrolet Cobalt", 6_200_000), ("Lada Granta", 4_300_000),
    ("Toyota Land Cruiser Prado", 28_000_000), ("Hyundai Tucson", 13_500_000),
)  # fmt: skip

COMPANIES = (
    "KazMunayGas", "Kazatomprom", "Air Astana", "Tesla", "Samruk-Kazyna", "Halyk Invest",
    "Kaspi.kz", "Tengizchevroil", "Freedom Finance", "Amazon",
)  # fmt: skip

SHOPS = ("Magnum", "Small", "Sulpak", "Technodom", "Mechta.kz", "Arbuz.kz", "Marwin")

EMOJIS: dict[str, tuple[str, ...]] = {
    "fake_shop": ("🔥", "💥", "🛍", "✅", "🎁", "📦", "🚚", "💯", "⏰"),
    "fake_investment": ("💰", "📈", "🚀", "💵", "💎", "✅", "🤑", "📊"),
    "phishing": ("⚠️", "❗", "🎁", "✅", "📩", "🔔", "💳"),
    "drug_shop": ("❄️", "🌿", "🍬", "💊", "🔥", "⚡", "🚀", "🍄"),
    "benign": ("🙂", "😊", "🏠", "🚗", "☕", "🎉", "👍", "📢", "🔥"),
}

CHANNEL_WORDS = (
    "almaty", "astana", "kz", "qazaq", "shymkent", "jobs", "baraholka", "skidki", "novosti",
    "invest", "crypto", "kaspi", "bonus", "shop", "market", "zhumys", "uy", "avto", "dala",
)  # fmt: skip
CHANNEL_ENDS = ("_kz", "_chat", "24", "_official", "_news", "_bot", "_shop", "_market", "_info")

SALE_TAILS: dict[str, ByLang] = {
    "card": {
        "ru": ("Карта: {card}", "Перевод на Kaspi Gold {card}", "Оплата на карту {card}",
               "Реквизиты: {card} ({name})", "Предоплата на карту {card}",
               "Кидайте на карту {card}, чек в личку"),
        "kk": ("Карта: {card}", "Kaspi Gold-қа аударыңыз: {card}", "Төлем осы картаға {card}",
               "Алдын ала төлем {card} картасына", "Картаға салыңыз {card} ({name})"),
        "en": ("Card: {card}", "Pay to card {card}", "Send to {card} ({name})",
               "Prepayment to card {card}"),
    },
    "iban": {
        "ru": ("IBAN: {iban}", "Счёт для оплаты {iban}", "Реквизиты ТОО: {iban}",
               "Оплата по счёту {iban}", "Перевод на счёт {iban}, в назначении номер заказа"),
        "kk": ("Шот: {iban}", "IBAN {iban} шотына аударыңыз", "ЖШС деректемелері: {iban}",
               "Төлем шотқа: {iban}"),
        "en": ("IBAN: {iban}", "Bank transfer to {iban}", "Company account {iban}"),
    },
    "phone": {
        "ru": ("Звоните {phone}", "WhatsApp {phone}", "Тел: {phone}",
               "Пишите в WhatsApp/Telegram {phone}", "Kaspi перевод по номеру {phone}",
               "Подробности по тел. {phone} ({name})"),
        "kk": ("Хабарласыңыз {phone}", "Тел.: {phone}", "WhatsApp: {phone}",
               "Осы нөмірге жазыңыз {phone}", "Kaspi аударым нөмірге: {phone}"),
        "en": ("Call {phone}", "WhatsApp {phone}", "Contact: {phone} ({name})",
               "Text me on {phone}"),
    },
    "wallet": {
        "ru": ("USDT TRC20: {wallet}", "Кошелёк для оплаты (TRC20) {wallet}",
               "Оплата в USDT на {wallet}", "Депозит только в USDT: {wallet}"),
        "kk": ("USDT (TRC20) әмиян: {wallet}", "Төлем USDT: {wallet}",
               "Әмиянға аударыңыз {wallet}"),
        "en": ("USDT TRC20 wallet: {wallet}", "Deposit USDT to {wallet}",
               "Pay in USDT (TRC20): {wallet}"),
    },
    "link": {
        "ru": ("Подробнее: {link}", "Сайт: {link}", "Ссылка: {link}", "Переходите {link}",
               "Все условия тут 👉 {link}"),
        "kk": ("Толығырақ: {link}", "Сілтеме: {link}", "Сайт: {link}", "Өту: {link}",
               "Барлық шарттар осында 👉 {link}"),
        "en": ("More: {link}", "Visit {link}", "Link: {link}", "Sign up {link}",
               "All details here 👉 {link}"),
    },
}  # fmt: skip
"""Contact lines of ads and posts (shops, jobs, schemes), per requisite kind and language."""

LURE_TAILS: dict[str, ByLang] = {
    "link": {
        "ru": ("Подтвердить: {link}", "Подробнее: {link}", "Перейдите по ссылке {link}",
               "Получить: {link}", "{link}"),
        "kk": ("Растау: {link}", "Толығырақ: {link}", "Сілтеме бойынша өтіңіз {link}",
               "Алу: {link}", "{link}"),
        "en": ("Confirm: {link}", "Details: {link}", "Follow the link {link}", "Claim: {link}",
               "{link}"),
    },
    "phone": {
        "ru": ("Горячая линия: {phone}", "Звоните {phone}", "Справки по тел. {phone}"),
        "kk": ("Жедел желі: {phone}", "Қоңырау шалыңыз {phone}", "Анықтама: {phone}"),
        "en": ("Hotline: {phone}", "Call {phone}", "Enquiries: {phone}"),
    },
}  # fmt: skip
"""Contact lines of phishing lures; kinds missing here fall back to ``SALE_TAILS``."""

LINK_PATHS = ("", "", "/", "/login", "/bonus", "/kz", "/pay", "/verify", "/?id=48213", "/promo")

TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ә": "a",
    "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}  # fmt: skip
"""Cyrillic (Russian and Kazakh) to Latin, as people transliterate in chats."""

HOMOGLYPHS = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "к": "k",
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х",
}  # fmt: skip
"""Look-alike letters across Cyrillic and Latin, used to slip past keyword filters."""
