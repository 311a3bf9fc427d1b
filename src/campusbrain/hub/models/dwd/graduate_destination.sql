-- name: dwd.graduate_destination
-- layer: dwd
-- grain: one row per graduate (学号 XH) and 毕业届 BYJ, from the 就业系统's yearly workbooks
-- owner: 010 招生就业处
-- description: 毕业生就业去向 of every 届, from ONE ODS table: the source YAML declares JY_BYS with a
--   glob of the folder of yearly workbooks (``2024届毕业生就业信息.xlsx`` …), so a new 届's workbook
--   is loaded and carried here without touching this model. BYJ 届 comes from the file name,
--   because the workbooks have no 届 column and are named by 届 (``<yyyy>届…``): BYJ is the four
--   digits before 届 in the last segment of ``_source`` (the file's label), full-width digits
--   folded. Deliberately not a folder name (a ``2026届/`` folder may hold a resent older workbook),
--   not a bare year (``就业信息2027.xlsx`` may be the export year), not 填报日期 (may be empty, and
--   dates the report, not the graduation). A workbook named without ``yyyy届`` gets no BYJ: its rows
--   go to dwd.graduate_destination_rejected as missing_graduation_year, and renaming the file fixes
--   it. Should the province's export gain a 届 column, read it here before the file name.
--   Columns: BYJ 届, source_table (JY_BYS), XH, XM, XBM 性别码 (男/女 → GB/T 2261.1 via
--   std.crosswalk) with sex_code_conflicts_id, SFZJH + id_problem, YXMC 学院名称, ZYDM 2021 专业代码
--   (2015 codes of an old roster mapped, is_legacy_major_code; ZYDM_source), ZYMC, BJMC 班级,
--   BYQXDM 毕业去向代码 (BYQX via std.crosswalk: a counsellor's word such as 已就业 maps only
--   where the college's crosswalk says so, else NULL and reported as unmapped; BYQXDM_source as
--   typed) with BYQX its name, destination_group (协议和合同就业 10/11, 其他录用形式就业 12/27/46/
--   50/51, 自主创业 75, 灵活就业 76, 升学 80, 出国出境 85, 待就业 70, 暂不就业 65 [K: grouping
--   as in the 教育部 就业统计 "6个率"; verify against the year's 就业方案]) and is_placed (去向落实:
--   every group but 待就业/暂不就业; NULL when the code is unmapped), employer_name 单位名称,
--   employer_nature 单位性质, industry 单位行业 (GB/T 4754 门类 name), employer_division_code 单位
--   所在地代码 (GB/T 2260) with employer_division_is_valid, employer_location, monthly_income 月收入
--   (元), major_relevance 专业相关度 (很相关/相关/基本相关/不相关) with is_major_related (the
--   first three), TBRQ 填报日期. A 学号 found twice for one 届 keeps its latest load.
-- reconciles: ods."jiuye__JY_BYS"
-- materialized: full

WITH raw AS (
    SELECT
        TRY_CAST(REGEXP_EXTRACT(cb_halfwidth(_source), '(\d{4})\s*届[^/]*$', 1) AS INTEGER) AS BYJ,
        'JY_BYS' AS source_table,
        *
    FROM ods."jiuye__JY_BYS"
),
loaded AS (
    SELECT
        BYJ,
        source_table,
        cb_halfwidth("学号") AS XH,
        NULLIF(TRIM("姓名"), '') AS XM,
        NULLIF(TRIM("性别"), '') AS XBM_source,
        cb_id_normalize("身份证号") AS SFZJH,
        cb_id_problem("身份证号") AS id_problem,
        cb_id_sex("身份证号") AS id_sex,
        NULLIF(TRIM("学院"), '') AS YXMC,
        NULLIF(TRIM("专业代码"), '') AS ZYDM_source,
        NULLIF(TRIM("专业名称"), '') AS ZYMC,
        NULLIF(TRIM("班级"), '') AS BJMC,
        NULLIF(TRIM("毕业去向代码"), '') AS BYQXDM_source,
        NULLIF(TRIM("单位名称"), '') AS employer_name,
        NULLIF(TRIM("单位性质"), '') AS employer_nature,
        NULLIF(TRIM("单位行业"), '') AS industry,
        NULLIF(TRIM("单位所在地代码"), '') AS employer_division_code,
        NULLIF(TRIM("单位所在地"), '') AS employer_location,
        TRY_CAST(TRIM("月收入") AS DECIMAL(12, 2)) AS monthly_income,
        NULLIF(TRIM("专业相关度"), '') AS major_relevance,
        cb_parse_date("填报日期") AS TBRQ,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY BYJ, cb_halfwidth("学号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM raw
),
crosswalk AS (
    SELECT "table", field, source_value, MIN(code) AS code
    FROM std.crosswalk
    WHERE source = 'jiuye'
    GROUP BY "table", field, source_value
),
destinations AS (
    SELECT code, ANY_VALUE(name) AS name FROM std.code_value WHERE code_system = 'BYQX' GROUP BY code
),
divisions AS (
    SELECT DISTINCT code FROM std.code_value WHERE code_system = 'GB/T 2260'
),
catalog_2021 AS (
    SELECT DISTINCT code FROM std.code_value WHERE code_system = 'ZYML 2021'
),
successor AS (
    SELECT code_2015, CASE WHEN COUNT(DISTINCT code_2021) = 1 THEN MIN(code_2021) END AS code_2021
    FROM std.major_crosswalk
    GROUP BY code_2015
),
standardized AS (
    SELECT
        l.*,
        sex.code AS XBM,
        destination.code AS BYQXDM,
        destinations.name AS BYQX,
        COALESCE(z.code, s.code_2021) AS ZYDM,
        z.code IS NULL AND s.code_2021 IS NOT NULL AS is_legacy_major_code,
        CASE
            WHEN destination.code IN ('10', '11') THEN '协议和合同就业'
            WHEN destination.code IN ('12', '27', '46', '50', '51') THEN '其他录用形式就业'
            WHEN destination.code = '75' THEN '自主创业'
            WHEN destination.code = '76' THEN '灵活就业'
            WHEN destination.code = '80' THEN '升学'
            WHEN destination.code = '85' THEN '出国出境'
            WHEN destination.code = '70' THEN '待就业'
            WHEN destination.code = '65' THEN '暂不就业'
        END AS destination_group
    FROM loaded AS l
    LEFT JOIN crosswalk AS sex
        ON sex."table" = l.source_table AND sex.field = '性别' AND sex.source_value = l.XBM_source
    LEFT JOIN crosswalk AS destination
        ON destination."table" = l.source_table AND destination.field = '毕业去向代码'
        AND destination.source_value = l.BYQXDM_source
    LEFT JOIN destinations ON destinations.code = destination.code
    LEFT JOIN catalog_2021 AS z ON z.code = l.ZYDM_source
    LEFT JOIN successor AS s ON s.code_2015 = l.ZYDM_source
    WHERE l.load_rank = 1 AND l.XH IS NOT NULL AND l.BYJ IS NOT NULL
)
SELECT
    BYJ,
    source_table,
    XH,
    XM,
    XBM,
    XBM_source,
    COALESCE(XBM <> id_sex, FALSE) AS sex_code_conflicts_id,
    SFZJH,
    id_problem,
    YXMC,
    ZYDM,
    ZYDM_source,
    is_legacy_major_code,
    ZYMC,
    BJMC,
    BYQXDM,
    BYQXDM_source,
    BYQX,
    destination_group,
    CASE
        WHEN destination_group IS NULL THEN NULL
        ELSE destination_group NOT IN ('待就业', '暂不就业')
    END AS is_placed,
    employer_name,
    employer_nature,
    industry,
    employer_division_code,
    EXISTS (SELECT 1 FROM divisions AS d WHERE d.code = employer_division_code) AS employer_division_is_valid,
    employer_location,
    monthly_income,
    major_relevance,
    CASE
        WHEN major_relevance IS NULL THEN NULL
        ELSE major_relevance IN ('很相关', '相关', '基本相关')
    END AS is_major_related,
    TBRQ,
    _batch_id,
    _source,
    _source_row
FROM standardized
