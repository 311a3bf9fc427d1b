-- Hand-written baseline for dws.card_spend_person_month (without person_id): the raw 一卡通
-- exports straight to the monthly summary in one statement, as an analyst would write it.
-- Parameters: 1 = merchant CSV, 2 = list of daily transaction CSVs.
CREATE TABLE card_spend_person_month AS
WITH merchant AS (
    SELECT NULLIF(TRIM(SHOPID), '') AS SHOPID, ANY_VALUE(COALESCE(NULLIF(TRIM(LEVEL1), '') = '餐饮', FALSE)) AS is_canteen
    FROM read_csv(?, header = TRUE, all_varchar = TRUE)
    GROUP BY 1
),
raw AS (
    SELECT
        NULLIF(TRIM(JYLSH), '') AS JYLSH,
        NULLIF(TRIM(CARDNO), '') AS CARDNO,
        TRY_STRPTIME(TRIM(JYSJ), '%Y%m%d%H%M%S') AS ts,
        NULLIF(NULLIF(TRIM(SHOPID), ''), '0') AS SHOPID,
        NULLIF(TRIM(JYLX), '') AS JYLX,
        CAST(TRY_CAST(TRIM(JE) AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(16, 2)) AS amount_yuan,
        NULLIF(TRIM(YJYLSH), '') AS YJYLSH
    FROM read_csv(?, header = TRUE, all_varchar = TRUE)
),
repeated AS (
    SELECT JYLSH FROM raw WHERE JYLSH IS NOT NULL GROUP BY JYLSH HAVING COUNT(*) > 1
),
tx AS (
    SELECT * FROM raw WHERE JYLSH IS NOT NULL AND JYLSH NOT IN (SELECT JYLSH FROM repeated)
    UNION ALL
    -- A transaction exported twice is the same record twice: keep one.
    SELECT DISTINCT ON (JYLSH) * FROM raw WHERE JYLSH IN (SELECT JYLSH FROM repeated)
),
reversed AS (
    SELECT DISTINCT YJYLSH AS JYLSH FROM tx WHERE JYLX = '211' AND YJYLSH IS NOT NULL
),
purchases AS (
    SELECT
        t.CARDNO,
        CAST(DATE_TRUNC('month', t.ts) AS DATE) AS month,
        DAY(t.ts) * 3 + CASE WHEN HOUR(t.ts) < 10 THEN 0 WHEN HOUR(t.ts) < 15 THEN 1 ELSE 2 END AS meal,
        t.JYLX,
        t.amount_yuan,
        COALESCE(m.is_canteen, FALSE) AS is_canteen
    FROM tx AS t
    LEFT JOIN merchant AS m ON m.SHOPID = t.SHOPID
    LEFT JOIN reversed AS r ON r.JYLSH = t.JYLSH
    WHERE t.CARDNO IS NOT NULL AND t.ts IS NOT NULL AND NOT (t.JYLX = '211') AND r.JYLSH IS NULL
)
SELECT
    CARDNO,
    month,
    COUNT(DISTINCT meal) FILTER (WHERE JYLX = '210' AND is_canteen) AS canteen_meals,
    COALESCE(SUM(amount_yuan) FILTER (WHERE JYLX = '210' AND is_canteen), 0) AS canteen_spend_yuan,
    COALESCE(SUM(amount_yuan) FILTER (WHERE JYLX = '210' AND NOT is_canteen), 0) AS other_spend_yuan,
    COALESCE(SUM(amount_yuan) FILTER (WHERE JYLX = '210'), 0) AS total_spend_yuan,
    COUNT(*) FILTER (WHERE JYLX = '210') AS purchases,
    COALESCE(SUM(amount_yuan) FILTER (WHERE JYLX = '110'), 0) AS recharge_yuan,
    COALESCE(SUM(amount_yuan) FILTER (WHERE JYLX = '120'), 0) AS subsidy_yuan
FROM purchases
GROUP BY CARDNO, month
