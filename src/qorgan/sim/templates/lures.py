"""Bodies of phishing lures and drug-shop adverts (incl. courier recruitment), per language.

Drug-shop texts are advertising only, with the slang that really appears in Kazakh
Telegram channels (``закладки``, ``клад``, ``стафф``, ``работа курьером``); they carry no
instructions of any kind. Family A is even-indexed, family B odd-indexed.
"""

from __future__ import annotations

PHISHING: dict[str, tuple[str, ...]] = {
    "ru": (
        "{brand}: на ваш счёт начислен бонус {amount}. Подтвердите получение до {date}.",
        "Уважаемый клиент {brand}! Ваша карта временно заблокирована. Для разблокировки "
        "пройдите верификацию.",
        "Вам положена компенсация {amount} от государства. Оформите выплату на портале eGov.",
        "Ваша посылка задержана на складе {brand}. Оплатите доставку {fee}.",
        "Kaspi Red бонус! Получите {amount} кэшбэка — акция до {date}.",
        "Покупатель оплатил ваш товар на {brand}. Чтобы получить {amount}, введите данные карты.",
        "Штраф {fee} за нарушение ПДД. Оплатите со скидкой 50% до {date}.",
        "Выплата ЕНПФ: вы можете снять пенсионные накопления {amount}. Проверьте право.",
        "Ваш аккаунт {brand} будет удалён через 24 часа. Подтвердите номер телефона.",
        "Налоговый возврат {amount} от КГД ожидает получения. Заполните форму.",
        "Внимание! С вашего счёта {brand} пытаются снять {amount}. Отмените операцию.",
    ),
    "kk": (
        "{brand}: шотыңызға {amount} бонус есептелді. {date} дейін растаңыз.",
        "Құрметті {brand} клиенті! Картаңыз уақытша бұғатталды. Бұғаттан шығару үшін "
        "верификациядан өтіңіз.",
        "Сізге мемлекеттен {amount} өтемақы тиесілі. Төлемді eGov порталында рәсімдеңіз.",
        "Сәлемдемеңіз {brand} қоймасында тоқтатылды. Жеткізу ақысын {fee} төлеңіз.",
        "Kaspi Red бонус алыңыз! {amount} кэшбэк, акция {date} дейін.",
        "Сатып алушы {brand} сайтында тауарыңызға төледі. {amount} алу үшін карта "
        "деректерін енгізіңіз.",
        "ЖҚЕ бұзғаны үшін {fee} айыппұл. {date} дейін 50% жеңілдікпен төлеңіз.",
        "БЖЗҚ төлемі: зейнетақы жинағыңыздан {amount} алуға болады. Құқығыңызды тексеріңіз.",
        "{brand} аккаунтыңыз 24 сағаттан кейін жойылады. Нөміріңізді растаңыз.",
        "МКК-дан {amount} салық қайтарымы сізді күтуде. Форманы толтырыңыз.",
        "Назар аударыңыз! {brand} шотыңыздан {amount} шешуге әрекет жасалуда. Операцияны "
        "болдырмаңыз.",
    ),
    "en": (
        "{brand}: a bonus of {amount} has been credited to your account. Confirm by {date}.",
        "Dear {brand} customer, your card has been temporarily blocked. Complete "
        "verification to unblock it.",
        "You are entitled to a state compensation of {amount}. Claim it on the eGov portal.",
        "Your parcel is held at the {brand} warehouse. Pay the {fee} delivery fee.",
        "The buyer has paid for your item on {brand}. Enter your card details to receive {amount}.",
        "Traffic fine {fee}. Pay with a 50% discount before {date}.",
        "Your {brand} account will be deleted in 24 hours. Confirm your phone number.",
        "A tax refund of {amount} is waiting for you. Fill in the form.",
        "Pension savings payout: you can withdraw {amount} from ENPF. Check eligibility.",
        "Alert: someone is trying to withdraw {amount} from your {brand} account. Cancel it now.",
    ),
}

DRUG_SHOP: dict[str, tuple[str, ...]] = {
    "ru": (
        "Лучший шоп в {city} ❄️ Закладки 24/7, качество проверено. Оператор {handle}",
        "Работа курьером! Доход от {salary} в день, свободный график, без опыта. Пиши {handle}",
        "Кристаллы, шишки, мел — всё в наличии. Клады по всему городу. Оплата крипта/карта.",
        "Новый магазин в {city}: первая покупка со скидкой 20%. Бот: {handle}",
        "Требуются закладчики, оплата ежедневно {salary}. Депозит не нужен.",
        "Гидропоника, тепличные шишки 🌿 Быстрые клады, районы: {district}.",
        "Стафф высшего качества, доставка за 30 минут в {city}. Работаем без выходных.",
        "Ищем складмена и курьеров в {city}. От {salary} за смену, всё анонимно.",
        "Соль, меф, гаш — проверенный магазин с 2019 года. Отзывы в канале.",
        "Высокооплачиваемая работа для молодых, 18+, {salary} в день. Подробности у {handle}",
    ),
    "kk": (
        "{city} қаласындағы ең жақсы шоп ❄️ Закладкалар 24/7. Оператор {handle}",
        "Курьер жұмысы! Күніне {salary}-ден табыс, тәжірибе керек емес. Жаз {handle}",
        "Закладчиктер керек, төлем күн сайын {salary}. Депозит қажет емес.",
        "Жаңа дүкен, {city}: алғашқы сатып алуға 20% жеңілдік. Бот: {handle}",
        "Кристаллдар, шишкалар бар. Кладтар бүкіл қала бойынша. Төлем крипта немесе карта.",
        "Стафф жоғары сапа, {city} бойынша 30 минутта жеткізу.",
        "{city} қаласында складмен мен курьерлер іздейміз. Ауысымына {salary}-ден, бәрі анонимді.",
        "Тексерілген магазин 2019 жылдан бері. Пікірлер арнада. Оператор {handle}",
        "Гидропоника 🌿 жылдам кладтар, аудандар: {district}.",
        "Жастарға жоғары ақылы жұмыс, 18+, күніне {salary}. Толығырақ {handle}",
    ),
    "en": (
        "Best shop in {city} ❄️ drops 24/7, tested quality. Operator {handle}",
        "Courier job! From {salary} a day, flexible hours, no experience. Text {handle}",
        "Crystals, buds, powder in stock. Drops all over the city. Pay with crypto or card.",
        "New store in {city}: 20% off your first order. Bot: {handle}",
        "Hiring drop couriers, paid daily {salary}. No deposit needed.",
        "Top quality stuff, delivered within 30 min in {city}. Open every day.",
        "Looking for stash keepers and couriers in {city}. {salary} per shift, fully anonymous.",
        "Trusted shop since 2019, reviews in the channel. Operator {handle}",
        "Hydro buds 🌿 fast drops, areas: {district}.",
    ),
}
