"""Bodies of fake-shop and fake-investment posts, per language.

Placeholders are filled by ``qorgan.sim.texts``; contact lines with requisites are appended
separately (see ``vocab.TAILS``). Even-indexed templates form family A and odd-indexed ones
family B; profiles weight the two families differently.
"""

from __future__ import annotations

FAKE_SHOP: dict[str, tuple[str, ...]] = {
    "ru": (
        "🔥 {item} всего за {price}! Оригинал, гарантия. Осталось 3 шт.",
        "Распродажа склада: {item} {price} вместо {old_price}. Доставка по всему Казахстану.",
        "Продаю {item}, новый, в упаковке. Я в {city}. Цена {price}, отправлю CDEK после "
        "предоплаты.",
        "Kaspi Red рассрочка без переплат! {item} за {price}. Оформление онлайн за 5 минут.",
        "Только сегодня: {item} со скидкой 70% — {price}. Количество ограничено!",
        "Оптовый склад в {city}: {item} от {price}. Работаем по предоплате 100%.",
        "Безопасная сделка OLX: оплатите {item} ({price}) по ссылке, деньги заморожены до "
        "получения.",
        "Брендовые кроссовки и сумки от {price}. Оригинал 💯 Пишите в директ.",
        "Закрытая распродажа для подписчиков: {item} за {price}. Успей до конца дня ⏰",
        "Отдаю {item} срочно, переезд. {price}, торг. Доставка за счёт покупателя.",
        "Конфискат с таможни! {item} по цене {price}, документы есть.",
    ),
    "kk": (
        "🔥 {item} небәрі {price}! Түпнұсқа, кепілдік бар. 3 дана қалды.",
        "Акция! {item} {old_price} емес, {price}. Бүкіл Қазақстан бойынша жеткізу тегін.",
        "Жаңа {item}, кепілдікпен. Бағасы {price}. Алдын ала төлем 50%.",
        "Распродажа! {item} бар болғаны {price}. Kaspi-мен төлеу, жеткізу 1-2 күн.",
        "{city}: {item} сатамын, жаңа, қорабында. {price}. Тек алдын ала төлеммен жіберемін.",
        "Оптом және бөлшек: {item} {price}-ден бастап. Жеткізу бүкіл Қазақстан бойынша 🚚",
        "Kaspi Магазинде жоқ баға! {item} — {price}. Тапсырысты тез беріңіз.",
        "Тауар таусылып барады! {item} {price}, қазір төлесеңіз — сыйлық 🎁",
        "Брендовый сумкалар мен кроссовкалар {price}-ден. Директке жазыңыз.",
        "{item} бөліп төлеу 0-0-12, алғашқы жарна жоқ. Тапсырыс WhatsApp арқылы.",
        "Кедендегі тәркіленген тауар! {item} бағасы {price}, құжаттары бар.",
    ),
    "en": (
        "{item} for only {price}! Original, 1-year warranty. Only 3 left.",
        "Warehouse clearance: {item} at {price} instead of {old_price}. Delivery across "
        "Kazakhstan.",
        "Selling brand new {item}, sealed box, {city}. {price}, shipping after prepayment.",
        "Flash sale today only: {item} -70%, now {price}!",
        "Wholesale from {city}: {item} from {price}. 100% prepayment.",
        "OLX safe deal: pay for {item} ({price}) via the link, the money is held until delivery.",
        "Exclusive for subscribers: {item} at {price}. Order before midnight!",
        "Original sneakers and bags from {price}. DM to order, ships in 2 days.",
        "Moving abroad, selling {item} urgently for {price}. Prepayment only.",
        "Customs confiscated goods! {item} for {price}, papers included.",
    ),
}

FAKE_INVESTMENT: dict[str, tuple[str, ...]] = {
    "ru": (
        "Инвестируйте в {company} от {amount} и получайте {pct}% в месяц! Гарантия дохода.",
        "Пассивный доход от {amount_big} в неделю. Платформа {company}, выплаты каждый день.",
        "Акции {company} — закрытый пул для граждан РК. Вход от {amount}, доход до {pct}%.",
        "Бот на ИИ торгует за вас: +{pct}% за {days} дней. Начальный депозит {amount}.",
        "Государственная программа: каждый гражданин Казахстана может получать доход от "
        "нефти {oil_company}. Регистрация от {amount}.",
        "Заработок на криптовалюте без опыта! Мой результат {amount_big} за неделю. Пиши — научу.",
        "Верну деньги, украденные мошенниками. Юристы, 95% успешных дел. Консультация бесплатно.",
        "Удвоим ваш вклад за {days} дней. Минимальная сумма {amount}, вывод на Kaspi Gold.",
        "Арбитраж USDT: связки P2P с доходом {pct}% в день. Обучение {amount}.",
        "Инвестиционный фонд {company}: доход {pct}% годовых, гарантия государства. Осталось "
        "12 мест.",
    ),
    "kk": (
        "{company} компаниясына {amount}-ден инвестиция салып, айына {pct}% табыс алыңыз!",
        "Мемлекеттік бағдарлама: әр қазақстандық {oil_company} мұнай табысынан үлес ала алады. "
        "Тіркелу {amount}.",
        "Тәжірибесіз криптовалютада табыс! Менің нәтижем аптасына {amount_big}. Жазыңыз, "
        "үйретемін.",
        "Жасанды интеллект боты сіз үшін сауда жасайды: {days} күнде +{pct}%. Бастапқы "
        "депозит {amount}.",
        "Пассивті табыс аптасына {amount_big}-ден. {company} платформасы, төлем күн сайын.",
        "Алаяқтар ұрлаған ақшаңызды қайтарамыз. Заңгерлер, кеңес тегін.",
        "Салымыңызды {days} күнде екі есе көбейтеміз. Ең аз сома {amount}, Kaspi Gold-қа шығару.",
        "Инвестиция в {company} — кепілді табыс {pct}%! Орын саны шектеулі.",
        "USDT арбитражы: P2P связкалар, күніне {pct}% табыс. Оқыту {amount}.",
        "{company} акциялары: {amount}-ден бастап, табысқа кепілдік береміз.",
    ),
    "en": (
        "Invest in {company} from {amount} and earn {pct}% monthly. Guaranteed returns!",
        "Passive income from {amount_big} a week. {company} platform, daily payouts.",
        "AI trading bot: +{pct}% in {days} days. Minimum deposit {amount}.",
        "Government programme: every citizen of Kazakhstan can earn from {oil_company} oil "
        "revenue. Sign-up from {amount}.",
        "Crypto profits with zero experience! I made {amount_big} last week. DM me, I'll "
        "teach you.",
        "We recover money stolen by scammers. Lawyers, 95% success rate, free consultation.",
        "Double your deposit in {days} days. Minimum {amount}, withdraw to Kaspi Gold.",
        "USDT P2P arbitrage: {pct}% a day. Course fee {amount}.",
        "{company} pre-IPO shares for Kazakhstan residents only. Entry from {amount}, up to "
        "{pct}% return.",
    ),
}
