-- name: dws.staff_profile
-- layer: dws
-- grain: one row per 教职工 (工号 GH) of dwd.staff
-- owner: 004 人事处
-- description: 教职工画像 base. person_id (dwd.person_link, system renshi), GH, XM, XBM, CSRQ,
--   MZM, ZZMMM, XLM 学历, DWH/DWMC, RYLB, GW, ZYJSZWM/ZYJSZW, is_double_qualified 双师素质,
--   is_on_establishment 在编, RZRQ 入职日期, is_active, id_problem; position_periods and
--   position_since (valid_from of the current period, dwd.staff_position_history); teaching from
--   the 教务系统: teaching_classes (教学班 taught, dwd.teaching_class by JSGH), courses_taught
--   (distinct courses), terms_taught, latest_term_taught; counselled_classes (行政班 whose 辅导员
--   is this GH, dwd.class).
-- materialized: full

WITH teaching AS (
    SELECT
        JSGH AS GH,
        COUNT(*) AS teaching_classes,
        COUNT(DISTINCT KCH) AS courses_taught,
        COUNT(DISTINCT term_label) AS terms_taught,
        MAX(term_label) AS latest_term_taught
    FROM dwd.teaching_class
    WHERE JSGH IS NOT NULL
    GROUP BY JSGH
),
counselling AS (
    SELECT FDYGH AS GH, COUNT(*) AS counselled_classes FROM dwd.class WHERE FDYGH IS NOT NULL GROUP BY FDYGH
),
positions AS (
    SELECT
        GH,
        COUNT(*) AS position_periods,
        MAX(valid_from) FILTER (WHERE is_current) AS position_since
    FROM dwd.staff_position_history
    GROUP BY GH
)
SELECT
    link.person_id,
    s.GH,
    s.XM,
    s.XBM,
    s.CSRQ,
    s.MZM,
    s.ZZMMM,
    s.XLM,
    s.DWH,
    s.DWMC,
    s.RYLB,
    s.GW,
    s.ZYJSZWM,
    s.ZYJSZW,
    s.is_double_qualified,
    s.is_on_establishment,
    s.RZRQ,
    s.is_active,
    s.id_problem,
    COALESCE(p.position_periods, 0) AS position_periods,
    p.position_since,
    COALESCE(t.teaching_classes, 0) AS teaching_classes,
    COALESCE(t.courses_taught, 0) AS courses_taught,
    COALESCE(t.terms_taught, 0) AS terms_taught,
    t.latest_term_taught,
    COALESCE(c.counselled_classes, 0) AS counselled_classes
FROM dwd.staff AS s
LEFT JOIN dwd.person_link AS link ON link.system = 'renshi' AND link.record_key = s.GH
LEFT JOIN positions AS p ON p.GH = s.GH
LEFT JOIN teaching AS t ON t.GH = s.GH
LEFT JOIN counselling AS c ON c.GH = s.GH
