-- name: dws.asset_department
-- layer: dws
-- grain: one row per 使用部门 (department code; NULL for cards without one)
-- owner: 006 资产管理处
-- description: 资产专题 by department: asset cards and units, total value, value in use, the
--   cards 闲置, 待报废 and 已报废, value by 门类 (通用设备 2, 专用设备 3, 家具 6), value acquired in
--   the last full five calendar years before the latest acquisition, and the cards missing a
--   mandatory field or used by someone no longer on the staff list. 已报废 cards stay in the
--   register; value_in_register_yuan leaves them out.
-- materialized: full

WITH latest AS (
    SELECT YEAR(MAX(acquired_on)) AS latest_year FROM dwd.asset
)
SELECT
    a.department_code,
    ANY_VALUE(a.department_name) AS department_name,
    COUNT(*) AS cards,
    SUM(a.quantity) AS units,
    SUM(a.amount_yuan) AS value_yuan,
    SUM(a.amount_yuan) FILTER (WHERE a.status IS DISTINCT FROM '已报废') AS value_in_register_yuan,
    SUM(a.amount_yuan) FILTER (WHERE a.status = '在用') AS value_in_use_yuan,
    COUNT(*) FILTER (WHERE a.status = '在用') AS cards_in_use,
    COUNT(*) FILTER (WHERE a.status = '闲置') AS cards_idle,
    COUNT(*) FILTER (WHERE a.status = '待报废') AS cards_pending_scrap,
    COUNT(*) FILTER (WHERE a.status = '已报废') AS cards_scrapped,
    SUM(a.amount_yuan) FILTER (WHERE a.category_class = '2') AS general_equipment_yuan,
    SUM(a.amount_yuan) FILTER (WHERE a.category_class = '3') AS special_equipment_yuan,
    SUM(a.amount_yuan) FILTER (WHERE a.category_class = '6') AS furniture_yuan,
    SUM(a.amount_yuan) FILTER (WHERE YEAR(a.acquired_on) > l.latest_year - 5) AS acquired_last_5_years_yuan,
    COUNT(*) FILTER (WHERE a.missing_fields IS NOT NULL) AS cards_missing_fields,
    COUNT(*) FILTER (WHERE NOT a.user_known) AS cards_unknown_user
FROM dwd.asset AS a
CROSS JOIN latest AS l
GROUP BY a.department_code
