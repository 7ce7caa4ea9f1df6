"""SMS bodies per kind and language, and the alphanumeric sender ids banks and fraudsters use.

Kinds: ``personal`` (between people), ``bank_notice`` (genuine bank messages: codes,
payments, blocks), ``smishing_bank`` (impersonating a bank, with a callback number or a
look-alike link), ``smishing_link`` (prize, parcel, fine and eGov lures with a link) and
``spam`` (ordinary marketing). Short service numbers such as ``9999`` are not requisites.
"""

from __future__ import annotations

from dataclasses import dataclass

from qorgan.core.brands import BRANDS

SMS_KINDS = ("personal", "bank_notice", "smishing_bank", "smishing_link", "spam")


@dataclass(frozen=True, slots=True)
class AlphaSender:
    """An alphanumeric SMS sender id.

    Attributes:
        sender_id: as it appears in the ``sender`` column.
        brand: the ``core.brands.Brand.key`` it belongs to or imitates.
        genuine: registered by the brand (True) or a fraudster's spoof (False).
    """

    sender_id: str
    brand: str
    genuine: bool


ALPHA_SENDERS: tuple[AlphaSender, ...] = (
    *(AlphaSender(sender, brand.key, True) for brand in BRANDS for sender in brand.senders),
    AlphaSender("KASPl", "kaspi", False),
    AlphaSender("KASPI BANK", "kaspi", False),
    AlphaSender("Kaspi-KZ", "kaspi", False),
    AlphaSender("Halyk-Bank", "halyk", False),
    AlphaSender("HaIyk", "halyk", False),
    AlphaSender("Fort3Bank", "forte", False),
    AlphaSender("Jusan-Bank", "jusan", False),
    AlphaSender("EGOV-KZ", "egov", False),
    AlphaSender("KAZP0ST", "kazpost", False),
)
"""Genuine sender ids of banks and services (registered in :mod:`qorgan.core.brands`), then
the spoofs fraudsters register."""

SMS: dict[str, dict[str, tuple[str, ...]]] = {
    "personal": {
        "ru": ("Привет! Ты где?", "Буду через 15 минут", "Купи хлеб и молоко по дороге",
               "Мам, скинь {fee} на карту {card}, потом верну", "Перезвони, когда сможешь",
               "С днём рождения! Счастья, здоровья 🎉", "Скинь на каспи по номеру {phone}",
               "Завтра в 10 у входа", "Ок, договорились", "Я дома, всё нормально"),
        "kk": ("Сәлем! Қайдасың?", "15 минуттан кейін келемін", "Жолда нан мен сүт ала келші",
               "Апа, картаға {fee} салып жіберші {card}", "Уақытың болғанда қоңырау шал",
               "Туған күніңмен! Бақыт, денсаулық тілеймін 🎉", "Каспиге нөмір арқылы салшы {phone}",
               "Ертең сағат 10-да кіреберісте", "Жарайды, келістік", "Кешке үйге келесің бе?"),
        "en": ("Hi! Where are you?", "Be there in 15 min", "Grab some bread on the way",
               "Can you send {fee} to my card {card}? Will pay back", "Call me back when you can",
               "Happy birthday! 🎉", "Send it to my Kaspi by number {phone}",
               "Tomorrow at 10 by the entrance", "Ok, deal"),
    },
    "bank_notice": {
        "ru": ("{bank}: Код подтверждения {code}. Никому не сообщайте этот код, даже "
               "сотрудникам банка.",
               "{bank}: Покупка {amount}, {shop}. Доступно {balance}. Карта *{last4}",
               "{bank}: Перевод {amount} выполнен. Карта *{last4}.",
               "{bank}: Пополнение {amount}. Баланс {balance}.",
               "{bank}: Карта *{last4} заблокирована по вашему запросу. Подробнее в приложении.",
               "{bank}: Вход в приложение с нового устройства. Если это не вы, позвоните {short}.",
               "{bank}: Сотрудники банка никогда не спрашивают код из SMS.",
               "{bank}: Тарифы и условия обновлены, подробнее на {link}"),
        "kk": ("{bank}: Растау коды {code}. Кодты ешкімге, тіпті банк қызметкерлеріне де "
               "айтпаңыз.",
               "{bank}: Сатып алу {amount}, {shop}. Қолжетімді {balance}. Карта *{last4}",
               "{bank}: {amount} аударым орындалды. Карта *{last4}.",
               "{bank}: Толықтыру {amount}. Баланс {balance}.",
               "{bank}: *{last4} картасы сұранысыңыз бойынша бұғатталды. Толығырақ қосымшада.",
               "{bank}: Жаңа құрылғыдан кіру. Бұл сіз болмасаңыз, {short} нөміріне қоңырау "
               "шалыңыз.",
               "{bank}: Банк қызметкерлері SMS-тегі кодты ешқашан сұрамайды.",
               "{bank}: Тарифтер жаңартылды, толығырақ {link}"),
        "en": ("{bank}: Your confirmation code is {code}. Do not share it with anyone.",
               "{bank}: Purchase {amount}, {shop}. Available {balance}. Card *{last4}",
               "{bank}: Transfer of {amount} completed. Card *{last4}.",
               "{bank}: Top-up {amount}. Balance {balance}.",
               "{bank}: Card *{last4} blocked at your request. Details in the app.",
               "{bank}: New device sign-in. If this wasn't you, call {short}.",
               "{bank}: Updated terms, see {link}"),
    },
    "smishing_bank": {
        "ru": ("{bank}: Ваша карта заблокирована из-за подозрительной операции на {amount}. "
               "Позвоните {phone}",
               "Служба безопасности {bank}: попытка списания {amount}. Если это не вы, срочно "
               "перезвоните {phone}",
               "{bank}: на ваше имя оформлен кредит {amount}. Для отмены перейдите {link}",
               "Ваша карта {bank} заблокирована. Для разблокировки: {link}",
               "{bank}: подтвердите данные, иначе счёт будет заморожен: {link}",
               "{bank}: ожидайте звонка специалиста службы безопасности в течение часа.",
               "{bank}: списание {amount} приостановлено. Отменить: {phone}"),
        "kk": ("{bank}: Картаңыз бұғатталды, күдікті операция {amount}. Қоңырау шалыңыз "
               "{phone}",
               "{bank} қауіпсіздік қызметі: {amount} шешу әрекеті. Бұл сіз болмасаңыз, {phone} "
               "нөміріне хабарласыңыз",
               "{bank}: атыңызға {amount} несие рәсімделді. Бас тарту үшін: {link}",
               "{bank} картаңыз бұғатталды. Бұғаттан шығару: {link}",
               "{bank}: деректеріңізді растаңыз, әйтпесе шот тоқтатылады: {link}",
               "{bank}: бір сағат ішінде қауіпсіздік маманының қоңырауын күтіңіз.",
               "{bank}: {amount} шешу тоқтатылды. Болдырмау: {phone}"),
        "en": ("{bank}: Your card is blocked after a suspicious {amount} payment. Call {phone}",
               "{bank} security: attempted debit of {amount}. If it wasn't you, call {phone}",
               "{bank}: a loan of {amount} was issued in your name. To cancel: {link}",
               "Your {bank} card is blocked. Unblock: {link}",
               "{bank}: confirm your details or the account will be frozen: {link}",
               "{bank}: expect a call from our security officer within the hour."),
    },
    "smishing_link": {
        "ru": ("Поздравляем! Вы выиграли {amount} в акции {bank}. Получить: {link}",
               "Kazpost: посылка не доставлена, уточните адрес {link}",
               "Штраф {fee} не оплачен. Оплатите со скидкой: {link}",
               "eGov: вам назначена выплата {amount}. Оформить: {link}",
               "CDEK: оплатите таможенный сбор {fee} {link}",
               "Ваш номер выиграл iPhone 15! Заберите приз: {link}",
               "ЕНПФ: доступно снятие {amount}. Проверьте: {link}"),
        "kk": ("Құттықтаймыз! {bank} акциясында {amount} ұтып алдыңыз. Алу: {link}",
               "Қазпошта: сәлемдеме жеткізілмеді, мекенжайды нақтылаңыз {link}",
               "{fee} айыппұл төленбеген. Жеңілдікпен төлеңіз: {link}",
               "eGov: сізге {amount} төлем тағайындалды. Рәсімдеу: {link}",
               "CDEK: кедендік алым {fee} төлеңіз {link}",
               "Нөміріңіз iPhone 15 ұтып алды! Жүлдені алыңыз: {link}",
               "БЖЗҚ: {amount} алуға болады. Тексеріңіз: {link}"),
        "en": ("Congratulations! You won {amount} in the {bank} promo. Claim: {link}",
               "Kazpost: parcel not delivered, confirm your address {link}",
               "Unpaid fine {fee}. Pay with a discount: {link}",
               "eGov: a payment of {amount} is assigned to you. Claim: {link}",
               "CDEK: pay the customs fee {fee} {link}",
               "Your number won an iPhone 15! Collect your prize: {link}"),
    },
    "spam": {
        "ru": ("Скидки до 50% в {shop} только на выходных!",
               "Бесплатная доставка от {amount}. Промокод SALE10",
               "Подключите 30 ГБ за 2990 ₸. Подробнее {link}",
               "Автосалон в {city}: кредит 4%, trade-in. Звоните {phone}",
               "{shop}: новая коллекция уже в магазинах!",
               "Курсы английского со скидкой 30% до {date}. Запись {phone}"),
        "kk": ("{shop} дүкенінде демалыс күндері 50%-ға дейін жеңілдік!",
               "{amount}-ден тегін жеткізу. Промокод SALE10",
               "30 ГБ 2990 ₸. Толығырақ {link}",
               "{city} автосалоны: 4% несие, trade-in. Қоңырау шалыңыз {phone}",
               "{shop}: жаңа коллекция дүкендерде!",
               "Ағылшын тілі курстары {date} дейін 30% жеңілдікпен. Жазылу {phone}"),
        "en": ("Up to 50% off at {shop} this weekend only!",
               "Free delivery from {amount}. Promo code SALE10",
               "Get 30 GB for 2990 KZT. More at {link}",
               "Car dealer in {city}: 4% loans, trade-in. Call {phone}",
               "{shop}: the new collection is in stores!"),
    },
}  # fmt: skip
