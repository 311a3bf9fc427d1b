-- name: dwd.asset
-- layer: dwd
-- grain: one row per 固定资产卡片 (资产编号); a batch of furniture is one card with 数量 > 1
-- owner: 006 资产管理处
-- description: 固定资产台账, typed: 单价 and 金额 in yuan, 数量 as an integer, 取得日期 parsed from
--   every format the register holds (Excel dates, and 2003年5月1日 / 2003/5/1 / 20030501 text in
--   records migrated from the old system) with cb_parse_date; acquired_on_raw keeps the text.
--   The department is named from the college's org units; user_known is false when the 使用人工号
--   is not (or no longer) on the staff list (人事 jzgxx). missing_fields lists the mandatory
--   fields (资产名称, 分类代码, 使用部门代码, 存放地点, 取得日期) left empty: the card is kept.
-- reconciles: ods."zichan__ZC_GDZCTZ"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("资产编号"), '') AS asset_no,
        NULLIF(TRIM("资产名称"), '') AS asset_name,
        NULLIF(TRIM("分类代码"), '') AS category_code,
        NULLIF(TRIM("分类名称"), '') AS category_name,
        NULLIF(TRIM("型号"), '') AS model,
        TRY_CAST(TRIM("单价(元)") AS DECIMAL(16, 2)) AS unit_price_yuan,
        TRY_CAST(TRIM("数量") AS INTEGER) AS quantity,
        TRY_CAST(TRIM("金额(元)") AS DECIMAL(16, 2)) AS amount_yuan,
        NULLIF(TRIM("取得日期"), '') AS acquired_on_raw,
        NULLIF(TRIM("使用部门代码"), '') AS department_code,
        NULLIF(TRIM("使用部门"), '') AS department_name_raw,
        NULLIF(TRIM("使用人工号"), '') AS user_gh,
        NULLIF(TRIM("使用人"), '') AS user_name,
        NULLIF(TRIM("存放地点"), '') AS location,
        NULLIF(TRIM("使用状态"), '') AS status,
        NULLIF(TRIM("经费来源"), '') AS fund_source,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("资产编号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."zichan__ZC_GDZCTZ"
),
org_unit AS (
    SELECT DWH AS code, DWMC AS name FROM dwd.org_unit
),
staff AS (
    SELECT DISTINCT NULLIF(TRIM("工号 GH"), '') AS gh FROM ods."renshi__jzgxx"
)
SELECT
    l.asset_no,
    l.asset_name,
    l.category_code,
    l.category_name,
    -- 教育部高校固定资产分类: the first digit is the 门类 (2 通用设备, 3 专用设备, 6 家具…).
    LEFT(l.category_code, 1) AS category_class,
    l.model,
    l.unit_price_yuan,
    l.quantity,
    l.amount_yuan,
    cb_parse_date(l.acquired_on_raw) AS acquired_on,
    l.acquired_on_raw,
    l.department_code,
    COALESCE(o.name, l.department_name_raw) AS department_name,
    o.code IS NOT NULL AS department_known,
    l.user_gh,
    l.user_name,
    CASE WHEN l.user_gh IS NOT NULL THEN s.gh IS NOT NULL END AS user_known,
    l.location,
    l.status,
    l.fund_source,
    NULLIF(
        CONCAT_WS(
            ',',
            CASE WHEN l.asset_name IS NULL THEN '资产名称' END,
            CASE WHEN l.category_code IS NULL THEN '分类代码' END,
            CASE WHEN l.department_code IS NULL THEN '使用部门代码' END,
            CASE WHEN l.location IS NULL THEN '存放地点' END,
            CASE WHEN l.acquired_on_raw IS NULL THEN '取得日期' END
        ),
        ''
    ) AS missing_fields,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN org_unit AS o ON o.code = l.department_code
LEFT JOIN staff AS s ON s.gh = l.user_gh
WHERE l.load_rank = 1 AND l.asset_no IS NOT NULL
