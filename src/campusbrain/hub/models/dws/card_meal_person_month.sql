-- name: dws.card_meal_person_month
-- layer: dws
-- grain: one row per golden person (person_id) and calendar month with card use; cards without
--   a linked person keep one row per card account (person_id NULL, CARDNO set)
-- owner: 012 后勤管理处
-- description: 一卡通专题 per person and month: canteen meals and canteen spend kept apart from
--   other spend, net of reversals, summed over the person's card accounts (a student who changed
--   major may have swiped under two) from dws.card_spend_person_month. A meal paid with two of
--   one person's cards in the same slot would count twice; the accounts overlap only at 转专业.
-- materialized: full

SELECT
    person_id,
    CASE WHEN person_id IS NULL THEN ANY_VALUE(CARDNO) END AS CARDNO,
    month,
    COUNT(*) AS card_accounts,
    SUM(canteen_meals) AS canteen_meals,
    SUM(canteen_spend_yuan) AS canteen_spend_yuan,
    SUM(other_spend_yuan) AS other_spend_yuan,
    SUM(total_spend_yuan) AS total_spend_yuan,
    SUM(purchases) AS purchases,
    SUM(recharge_yuan) AS recharge_yuan,
    SUM(subsidy_yuan) AS subsidy_yuan
FROM dws.card_spend_person_month
GROUP BY person_id, month, CASE WHEN person_id IS NULL THEN CARDNO END
