"""Bodies of ordinary posts: flats, cars, jobs, events, news, chats, genuine promotions.

Several are hard negatives on purpose: genuine bank promotions (``Kaspi Red 0-0-12``),
fraud warnings full of the same words as the lures, honest USDT sellers, goods for sale with
a prepayment. Family A is even-indexed, family B odd-indexed.
"""

from __future__ import annotations

BENIGN: dict[str, tuple[str, ...]] = {
    "ru": (
        "Сдаётся {rooms}-комнатная квартира в {city}, {district}, {area} м². {rent} в месяц, "
        "без посредников.",
        "Продаю {car} {year} г.в., пробег {km} км, один хозяин. Цена {car_price}, торг при "
        "осмотре.",
        "Требуется продавец-консультант в магазин электроники в {city}. Зарплата от "
        "{salary_month}, официальное трудоустройство.",
        "Концерт в {city} {date}! Билеты от {ticket}.",
        "Национальный банк сохранил базовую ставку на прежнем уровне. Подробности на "
        "официальном сайте.",
        "Кто знает хорошего стоматолога в {city}? Посоветуйте, пожалуйста.",
        "Внимание! Мошенники звонят от имени сотрудников банка. Никому не сообщайте код из "
        "SMS и не переводите деньги на «безопасный счёт».",
        "Kaspi Red: рассрочка 0-0-12 на технику в Kaspi Магазине. Условия в приложении.",
        "Продам {item}, б/у, в хорошем состоянии. {price}. Самовывоз, я в {city}.",
        "Ищу няню для ребёнка 3 лет, {district}, 5 дней в неделю. Оплата {salary_month}.",
        "Родители, собираем на подарок учительнице по {fee}. Кто сдал — отметьтесь.",
        "Открылась новая кофейня на {street}! Первый кофе в подарок ☕",
        "Продаю USDT по курсу биржи, только верифицированным покупателям, сделки через "
        "Binance P2P.",
        "Отличная погода на выходных, едем на Медеу. Кто с нами?",
        "Halyk: кешбэк до 30% у партнёров в этом месяце. Подробности в Homebank.",
        "Потерялась собака в районе {street}, откликается на Барс. Просьба позвонить.",
    ),
    "kk": (
        "{city} қаласында {rooms} бөлмелі пәтер жалға беріледі, {district}, {area} м². Айына "
        "{rent}, делдалсыз.",
        "{car} {year} ж. сатамын, жүрісі {km} км, бір иесі. Бағасы {car_price}, көргенде "
        "саудаласамыз.",
        "Электроника дүкеніне сатушы-кеңесші қажет, {city}. Жалақы {salary_month}-ден, ресми "
        "жұмысқа орналастыру.",
        "{city} қаласында {date} концерт! Билеттер {ticket}-ден бастап.",
        "Ұлттық банк базалық мөлшерлемені өзгеріссіз қалдырды. Толығырақ ресми сайтта.",
        "{city} қаласында жақсы тіс дәрігерін кім біледі? Кеңес беріңіздерші.",
        "Назар аударыңыз! Алаяқтар банк қызметкері атынан қоңырау шалуда. SMS-тегі кодты "
        "ешкімге айтпаңыз.",
        "Kaspi Red: Kaspi Магазинде техникаға 0-0-12 бөліп төлеу. Шарттары қосымшада.",
        "{item} сатамын, қолданылған, жақсы күйде. {price}. {city}, өзіңіз алып кетесіз.",
        "3 жасар балаға бала күтуші іздеймін, {district}, аптасына 5 күн. Төлемі "
        "{salary_month}.",
        "Ата-аналар, мұғалімге сыйлыққа {fee}-ден жинаймыз. Өткізгендер белгіленіңіздер.",
        "{street} көшесінде жаңа кофехана ашылды! Алғашқы кофе тегін ☕",
        "Сенбіде тойға барасыңдар ма? Той {date}, сағат 18:00-де басталады.",
        "Ертең Медеуге барамыз, кім бізбен?",
        "Биржа бағамы бойынша USDT сатамын, тек верификациядан өткен сатып алушыларға.",
        "Жоғалған ит, {street} маңында, Барс деген атқа үн қатады. Қоңырау шалыңыздар.",
    ),
    "en": (
        "{rooms}-room flat for rent in {city}, {district}, {area} m². {rent} per month, no "
        "agents.",
        "Selling {car} {year}, {km} km, one owner. {car_price}, negotiable on viewing.",
        "Hiring a sales assistant for an electronics store in {city}. Salary from "
        "{salary_month}, official contract.",
        "Concert in {city} on {date}! Tickets from {ticket}.",
        "The National Bank kept the base rate unchanged. Details on the official website.",
        "Does anyone know a good dentist in {city}? Recommendations welcome.",
        "Warning: scammers are calling on behalf of banks. Never share the code from an SMS.",
        "Kaspi Red: 0-0-12 instalments on electronics in Kaspi Shop. Terms in the app.",
        "Selling used {item}, good condition. {price}. Pick-up in {city}.",
        "Looking for a nanny for a 3-year-old, {district}, 5 days a week. Pay {salary_month}.",
        "New coffee shop opened on {street}! First coffee is on us ☕",
        "Anyone up for a hike to Big Almaty Lake this Saturday?",
        "Selling USDT at the exchange rate, verified buyers only, trades via Binance P2P.",
        "Parents, we are collecting {fee} each for the teacher's gift.",
        "Lost dog near {street}, answers to Bars. Please call.",
    ),
}
