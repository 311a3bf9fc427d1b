-- name: ads.card_canteen_month
-- layer: ads
-- grain: one row per calendar month and card holder type (学生, 教工, 未知 for cards with no account)
-- owner: 012 后勤管理处
-- description: 一卡通专题: canteen use per month — cards that ate in a canteen, meals, canteen
--   spend and the average canteen spend and meals per such card, net of reversals.
-- materialized: full

SELECT
    s.month,
    COALESCE(a.holder_type, '未知') AS holder_type,
    COUNT(*) FILTER (WHERE s.canteen_meals > 0) AS canteen_cards,
    SUM(s.canteen_meals) AS canteen_meals,
    SUM(s.canteen_spend_yuan) AS canteen_spend_yuan,
    CAST(
        SUM(s.canteen_spend_yuan) / NULLIF(COUNT(*) FILTER (WHERE s.canteen_meals > 0), 0) AS DECIMAL(12, 2)
    ) AS canteen_spend_per_card_yuan,
    ROUND(SUM(s.canteen_meals) / NULLIF(COUNT(*) FILTER (WHERE s.canteen_meals > 0), 0), 1) AS meals_per_card
FROM dws.card_spend_person_month AS s
LEFT JOIN dwd.card_account AS a ON a.CARDNO = s.CARDNO
GROUP BY s.month, COALESCE(a.holder_type, '未知')
