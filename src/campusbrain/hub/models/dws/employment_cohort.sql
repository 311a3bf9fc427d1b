-- name: dws.employment_cohort
-- layer: dws
-- grain: one row per 毕业届 (BYJ), 学院 (YXMC) and 2021 专业代码 (ZYDM)
-- owner: 010 招生就业处
-- description: 就业 summary from dwd.graduate_destination. BYJ, YXMC, ZYDM, ZYMC; graduates;
--   placed and placement_rate (去向落实率 = graduates whose 毕业去向 is any group but 待就业/暂不就业,
--   over all graduates); one count per destination group: contract_employed 协议和合同就业,
--   other_employed 其他录用形式就业, self_employed 自主创业, flexible_employed 灵活就业,
--   further_study 升学, abroad 出国出境, awaiting 待就业, not_seeking 暂不就业, and
--   unmapped_destination (a 去向 the crosswalk does not map: counted as a graduate, not as placed);
--   relevance_answers (graduates with a 专业相关度), major_related and relevance_rate (很相关/相关/
--   基本相关 over answers); income_reported, average_income and median_income (元/月, over
--   graduates with a 月收入).
-- materialized: full

SELECT
    BYJ,
    YXMC,
    ZYDM,
    ANY_VALUE(ZYMC) AS ZYMC,
    COUNT(*) AS graduates,
    COUNT(*) FILTER (WHERE is_placed) AS placed,
    ROUND(COUNT(*) FILTER (WHERE is_placed) / COUNT(*), 4) AS placement_rate,
    COUNT(*) FILTER (WHERE destination_group = '协议和合同就业') AS contract_employed,
    COUNT(*) FILTER (WHERE destination_group = '其他录用形式就业') AS other_employed,
    COUNT(*) FILTER (WHERE destination_group = '自主创业') AS self_employed,
    COUNT(*) FILTER (WHERE destination_group = '灵活就业') AS flexible_employed,
    COUNT(*) FILTER (WHERE destination_group = '升学') AS further_study,
    COUNT(*) FILTER (WHERE destination_group = '出国出境') AS abroad,
    COUNT(*) FILTER (WHERE destination_group = '待就业') AS awaiting,
    COUNT(*) FILTER (WHERE destination_group = '暂不就业') AS not_seeking,
    COUNT(*) FILTER (WHERE destination_group IS NULL) AS unmapped_destination,
    COUNT(*) FILTER (WHERE is_major_related IS NOT NULL) AS relevance_answers,
    COUNT(*) FILTER (WHERE is_major_related) AS major_related,
    ROUND(
        COUNT(*) FILTER (WHERE is_major_related) / NULLIF(COUNT(*) FILTER (WHERE is_major_related IS NOT NULL), 0),
        4
    ) AS relevance_rate,
    COUNT(monthly_income) AS income_reported,
    ROUND(AVG(monthly_income), 2) AS average_income,
    MEDIAN(monthly_income) AS median_income
FROM dwd.graduate_destination
GROUP BY BYJ, YXMC, ZYDM
