"""Bodies of ordinary posts: flats, cars, jobs, events, news, chats, genuine promotions.

A template may end in ``|kinds``: the requisite kinds it can carry (``|`` alone: none).
Several are hard negatives on purpose: genuine bank promotions (``Kaspi Red 0-0-12``),
fraud warnings full of the same words as the lures, honest USDT sellers, goods for sale with
a prepayment. Family A is even-indexed, family B odd-indexed.
"""

from __future__ import annotations

BENIGN: dict[str, tuple[str, ...]] = {
    "ru": (
        "Сдаётся {rooms}-комнатная квартира в {city}, {district}, {area} м². {rent} в месяц, "
        "без посредников.|phone",
        "Продаю {car} {year} г.в., пробег {km} км, один хозяин. Цена {car_price}, торг при "
        "осмотре.|phone",
        "Требуется продавец-консультант в магазин электроники в {city}. Зарплата от "
        "{salary_month}, официальное трудоустройство.|phone,link",
        "Концерт в {city} {date}! Билеты от {ticket}.|link",
        "Национальный банк сохранил базовую ставку на прежнем уровне. Подробности на "
        "официальном сайте.|",
        "Кто знает хорошего стоматолога в {city}? Посоветуйте, пожалуйста.|",
        "Внимание! Мошенники звонят от имени сотрудников банка. Никому не сообщайте код из "
        "SMS и не переводите деньги на «безопасный счёт».|",
        "Kaspi Red: рассрочка 0-0-12 на технику в Kaspi Магазине. Условия в приложении.|link",
        "Продам {item}, б/у, в хорошем состоянии. {price}. Самовывоз, я в {city}.|phone,card",
        "Ищу няню для ребёнка 3 лет, {district}, 5 дней в неделю. Оплата {salary_month}.|phone",
        "Родители, собираем на подарок учительнице по {fee}. Кто сдал — отметьтесь.|card,phone",
        "Открылась новая кофейня на {street}! Первый кофе в подарок ☕|link,phone",
        "Продаю USDT по курсу биржи, только верифицированным покупателям, сделки через "
        "Binance P2P.|wallet,phone",
        "Отличная погода на выходных, едем на Медеу. Кто с нами?|",
        "Halyk: кешбэк до 30% у партнёров в этом месяце. Подробности в Homebank.|link",
        "Потерялась собака в районе {street}, откликается на Барс. Просьба позвонить.|phone",
    ),
    "kk": (
        "{city} қаласында {rooms} бөлмелі пәтер жалға беріледі, {district}, {area} м². Айына "
        "{rent}, делдалсыз.|phone",
        "{car} {year} ж. сатамын, жүрісі {km} км, бір иесі. Бағасы {car_price}, көргенде "
        "саудаласамыз.|phone",
        "Электроника дүкеніне сатушы-кеңесші қажет, {city}. Жалақы {salary_month}-ден, ресми "
        "жұмысқа орналастыру.|phone,link",
        "{city} қаласында {date} концерт! Билеттер {ticket}-ден бастап.|link",
        "Ұлттық банк базалық мөлшерлемені өзгеріссіз қалдырды. Толығырақ ресми сайтта.|",
        "{city} қаласында жақсы тіс дәрігерін кім біледі? Кеңес беріңіздерші.|",
        "Назар аударыңыз! Алаяқтар банк қызметкері атынан қоңырау шалуда. SMS-тегі кодты "
        "ешкімге айтпаңыз.|",
        "Kaspi Red: Kaspi Магазинде техникаға 0-0-12 бөліп төлеу. Шарттары қосымшада.|link",
        "{item} сатамын, қолданылған, жақсы күйде. {price}. {city}, өзіңіз алып "
        "кетесіз.|phone,card",
        "3 жасар балаға бала күтуші іздеймін, {district}, аптасына 5 күн. Төлемі "
        "{salary_month}.|phone",
        "Ата-аналар, мұғалімге сыйлыққа {fee}-ден жинаймыз. Өткізгендер "
        "белгіленіңіздер.|card,phone",
        "{street} көшесінде жаңа кофехана ашылды! Алғашқы кофе тегін ☕|link,phone",
        "Сенбіде тойға барасыңдар ма? Той {date}, сағат 18:00-де басталады.|",
        "Ертең Медеуге барамыз, кім бізбен?|",
        "Биржа бағамы бойынша USDT сатамын, тек верификациядан өткен сатып "
        "алушыларға.|wallet,phone",
        "Жоғалған ит, {street} маңында, Барс деген атқа үн қатады. Қоңырау шалыңыздар.|phone",
    ),
    "en": (
        "{rooms}-room flat for rent in {city}, {district}, {area} m². {rent} per month, no "
        "agents.|phone",
        "Selling {car} {year}, {km} km, one owner. {car_price}, negotiable on viewing.|phone",
        "Hiring a sales assistant for an electronics store in {city}. Salary from "
        "{salary_month}, official contract.|phone,link",
        "Concert in {city} on {date}! Tickets from {ticket}.|link",
        "The National Bank kept the base rate unchanged. Details on the official website.|",
        "Does anyone know a good dentist in {city}? Recommendations welcome.|",
        "Warning: scammers are calling on behalf of banks. Never share the code from an SMS.|",
        "Kaspi Red: 0-0-12 instalments on electronics in Kaspi Shop. Terms in the app.|link",
        "Selling used {item}, good condition. {price}. Pick-up in {city}.|phone,card",
        "Looking for a nanny for a 3-year-old, {district}, 5 days a week. Pay "
        "{salary_month}.|phone",
        "New coffee shop opened on {street}! First coffee is on us ☕|link,phone",
        "Anyone up for a hike to Big Almaty Lake this Saturday?|",
        "Selling USDT at the exchange rate, verified buyers only, trades via Binance "
        "P2P.|wallet,phone",
        "Parents, we are collecting {fee} each for the teacher's gift.|card,phone",
        "Lost dog near {street}, answers to Bars. Please call.|phone",
    ),
}
