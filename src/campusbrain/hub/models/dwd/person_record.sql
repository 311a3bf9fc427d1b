-- name: dwd.person_record
-- layer: dwd
-- grain: one row per person-bearing source record: (system, record_key) — 学号 in 教务/学工/就业/
--   财务, 工号 in 人事, CARDNO in 一卡通, 读者证号 DZZH in 图书, 考生号 in 招生, the xAPI actor in 学习
-- owner: 009 信息与数据中心
-- description: 人员记录: the person fields of every source record that stands for a human, side by
--   side and normalized for identity resolution (dwd.person_link). ID numbers go through
--   cb_id_normalize and are flagged by cb_id_problem, never fixed; birth_date is the recorded date
--   (any of the college's formats) or else the date in a valid ID; sex is GB/T 2261.1 ('1', '2');
--   phones are cb_phone_normalize'd. student_no / staff_no / exam_no are the numbers a record
--   carries that other systems also use (the card XGH and reader DZZH may hold an old 学号 after
--   转专业; a desk-registered reader L… has none). A record exported more than once keeps its
--   latest load (人事: the highest 版本号); the provenance columns name that ODS row. This model
--   only reads: each ODS table is reconciled by its own system's DWD model.
-- materialized: full

WITH departments AS (
    SELECT NULLIF(TRIM(jg_id), '') AS code, ANY_VALUE(NULLIF(TRIM(jgmc), '')) AS name
    FROM ods."jiaowu__jw_jg_jgdmb"
    GROUP BY 1
),
jiaowu AS (
    SELECT
        'jiaowu' AS system,
        NULLIF(TRIM(s.xh), '') AS record_key,
        'jw_xjgl_xsjbxxb' AS source_table,
        'student' AS role,
        s.xm AS raw_name,
        s.zjhm AS raw_id,
        s.csrq AS raw_birth,
        s.xbm AS raw_sex,
        CAST(NULL AS VARCHAR) AS raw_phone,
        d.name AS department,
        NULLIF(TRIM(s.bh_id), '') AS class_name,
        NULLIF(TRIM(s.zyh_id), '') AS major,
        NULLIF(TRIM(s.xh), '') AS student_no,
        CAST(NULL AS VARCHAR) AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s.xh), '')
            ORDER BY s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM ods."jiaowu__jw_xjgl_xsjbxxb" AS s
    LEFT JOIN departments AS d ON d.code = NULLIF(TRIM(s.jg_id), '')
),
xuegong AS (
    SELECT
        'xuegong' AS system,
        NULLIF(TRIM(s.XH), '') AS record_key,
        'T_XG_XSJBXX' AS source_table,
        'student' AS role,
        s.XM AS raw_name,
        s.SFZJH AS raw_id,
        s.CSRQ AS raw_birth,
        s.XBDM AS raw_sex,
        s.LXDH AS raw_phone,
        d.name AS department,
        NULLIF(TRIM(s.BJDM), '') AS class_name,
        NULLIF(TRIM(s.ZYDM), '') AS major,
        NULLIF(TRIM(s.XH), '') AS student_no,
        CAST(NULL AS VARCHAR) AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s.XH), '')
            ORDER BY s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM ods."xuegong__T_XG_XSJBXX" AS s
    LEFT JOIN departments AS d ON d.code = NULLIF(TRIM(s.XYDM), '')
),
renshi AS (
    SELECT
        'renshi' AS system,
        NULLIF(TRIM(s."工号 GH"), '') AS record_key,
        'jzgxx' AS source_table,
        'staff' AS role,
        s."姓名 XM" AS raw_name,
        s."身份证件号 SFZJH" AS raw_id,
        s."出生日期 CSRQ" AS raw_birth,
        s."性别码 XBM" AS raw_sex,
        s."手机号 SJH" AS raw_phone,
        NULLIF(TRIM(s."单位名称 DWMC"), '') AS department,
        CAST(NULL AS VARCHAR) AS class_name,
        CAST(NULL AS VARCHAR) AS major,
        CAST(NULL AS VARCHAR) AS student_no,
        NULLIF(TRIM(s."工号 GH"), '') AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        -- 人事 keeps every version of a person (版本号 BBH); the highest one is current.
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s."工号 GH"), '')
            ORDER BY TRY_CAST(TRIM(s."版本号 BBH") AS INTEGER) DESC NULLS LAST,
                s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM ods."renshi__jzgxx" AS s
),
yikatong AS (
    SELECT
        'yikatong' AS system,
        NULLIF(TRIM(s.CARDNO), '') AS record_key,
        'card_account' AS source_table,
        CASE TRIM(s.SFLB) WHEN '学生' THEN 'student' WHEN '教工' THEN 'staff' ELSE 'card_holder' END AS role,
        s.XM AS raw_name,
        CAST(NULL AS VARCHAR) AS raw_id,
        CAST(NULL AS VARCHAR) AS raw_birth,
        CAST(NULL AS VARCHAR) AS raw_sex,
        CAST(NULL AS VARCHAR) AS raw_phone,
        CAST(NULL AS VARCHAR) AS department,
        CAST(NULL AS VARCHAR) AS class_name,
        CAST(NULL AS VARCHAR) AS major,
        CASE WHEN TRIM(s.SFLB) = '学生' THEN cb_halfwidth(s.XGH) END AS student_no,
        CASE WHEN TRIM(s.SFLB) = '教工' THEN cb_halfwidth(s.XGH) END AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s.CARDNO), '')
            ORDER BY s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM ods."yikatong__card_account" AS s
),
tushu AS (
    SELECT
        'tushu' AS system,
        NULLIF(TRIM(s.DZZH), '') AS record_key,
        'reader' AS source_table,
        CASE TRIM(s.DZLX) WHEN '学生' THEN 'student' WHEN '教工' THEN 'staff' ELSE 'reader' END AS role,
        s.XM AS raw_name,
        CAST(NULL AS VARCHAR) AS raw_id,
        CAST(NULL AS VARCHAR) AS raw_birth,
        CAST(NULL AS VARCHAR) AS raw_sex,
        s.SJH AS raw_phone,
        NULLIF(TRIM(s.DW), '') AS department,
        CAST(NULL AS VARCHAR) AS class_name,
        CAST(NULL AS VARCHAR) AS major,
        -- A reader registered at the desk (L…) has a library-only number, not a 学号/工号.
        CASE WHEN TRIM(s.DZLX) = '学生' AND NOT starts_with(TRIM(s.DZZH), 'L') THEN cb_halfwidth(s.DZZH) END
            AS student_no,
        CASE WHEN TRIM(s.DZLX) = '教工' AND NOT starts_with(TRIM(s.DZZH), 'L') THEN cb_halfwidth(s.DZZH) END
            AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s.DZZH), '')
            ORDER BY s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM ods."tushu__reader" AS s
),
registration AS (
    -- 报到: the 学号 an admitted 考生 registered under (the original one for a later 转专业).
    SELECT cb_halfwidth(考生号) AS exam_no, ANY_VALUE(cb_halfwidth(学号)) AS student_no
    FROM ods."zhaosheng__ZS_BD"
    WHERE TRIM(是否报到) = '是' AND cb_halfwidth(学号) IS NOT NULL
    GROUP BY 1
),
zhaosheng AS (
    SELECT
        'zhaosheng' AS system,
        NULLIF(TRIM(s.考生号), '') AS record_key,
        'ZS_LQ' AS source_table,
        'applicant' AS role,
        s.姓名 AS raw_name,
        s.身份证号 AS raw_id,
        CAST(NULL AS VARCHAR) AS raw_birth,
        s.性别 AS raw_sex,
        CAST(NULL AS VARCHAR) AS raw_phone,
        CAST(NULL AS VARCHAR) AS department,
        CAST(NULL AS VARCHAR) AS class_name,
        NULLIF(TRIM(s.录取专业名称), '') AS major,
        r.student_no,
        CAST(NULL AS VARCHAR) AS staff_no,
        cb_halfwidth(s.考生号) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s.考生号), '')
            ORDER BY s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM ods."zhaosheng__ZS_LQ" AS s
    LEFT JOIN registration AS r ON r.exam_no = cb_halfwidth(s.考生号)
),
jiuye_rows AS (
    SELECT *, 'JY_BYS_2024' AS source_table FROM ods."jiuye__JY_BYS_2024"
    UNION ALL BY NAME
    SELECT *, 'JY_BYS_2025' AS source_table FROM ods."jiuye__JY_BYS_2025"
    UNION ALL BY NAME
    SELECT *, 'JY_BYS_2026' AS source_table FROM ods."jiuye__JY_BYS_2026"
),
jiuye AS (
    SELECT
        'jiuye' AS system,
        NULLIF(TRIM(s.学号), '') AS record_key,
        s.source_table,
        'alumnus' AS role,
        s.姓名 AS raw_name,
        s.身份证号 AS raw_id,
        CAST(NULL AS VARCHAR) AS raw_birth,
        s.性别 AS raw_sex,
        CAST(NULL AS VARCHAR) AS raw_phone,
        NULLIF(TRIM(s.学院), '') AS department,
        NULLIF(TRIM(s.班级), '') AS class_name,
        NULLIF(TRIM(s.专业名称), '') AS major,
        cb_halfwidth(s.学号) AS student_no,
        CAST(NULL AS VARCHAR) AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s.学号), '')
            ORDER BY s.source_table DESC, s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM jiuye_rows AS s
),
caiwu AS (
    -- 学生缴费: a payment line names its payer by 学号 and 姓名 (the first-year 学费 of a 转专业
    -- student under the old 学号); the payer, not the line, is the record.
    SELECT
        'caiwu' AS system,
        NULLIF(TRIM(s.学号), '') AS record_key,
        'CW_XSJF' AS source_table,
        'student' AS role,
        s.姓名 AS raw_name,
        CAST(NULL AS VARCHAR) AS raw_id,
        CAST(NULL AS VARCHAR) AS raw_birth,
        CAST(NULL AS VARCHAR) AS raw_sex,
        CAST(NULL AS VARCHAR) AS raw_phone,
        CAST(NULL AS VARCHAR) AS department,
        CAST(NULL AS VARCHAR) AS class_name,
        CAST(NULL AS VARCHAR) AS major,
        cb_halfwidth(s.学号) AS student_no,
        CAST(NULL AS VARCHAR) AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s.学号), '')
            ORDER BY s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM ods."caiwu__CW_XSJF" AS s
),
xuexi AS (
    -- The learning platform knows a learner only as its xAPI actor (account name = 学号, the old
    -- one after 转专业; mbox when there is no account); one record per actor.
    SELECT
        'xuexi' AS system,
        NULLIF(TRIM(s.actor_name), '') AS record_key,
        'statements' AS source_table,
        'learner' AS role,
        CAST(NULL AS VARCHAR) AS raw_name,
        CAST(NULL AS VARCHAR) AS raw_id,
        CAST(NULL AS VARCHAR) AS raw_birth,
        CAST(NULL AS VARCHAR) AS raw_sex,
        CAST(NULL AS VARCHAR) AS raw_phone,
        CAST(NULL AS VARCHAR) AS department,
        CAST(NULL AS VARCHAR) AS class_name,
        CAST(NULL AS VARCHAR) AS major,
        CASE WHEN NOT starts_with(TRIM(s.actor_name), 'mailto:') THEN cb_halfwidth(s.actor_name) END
            AS student_no,
        CAST(NULL AS VARCHAR) AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        1 AS load_rank
    FROM (
        SELECT
            actor_name,
            ARG_MAX(_batch_id, (_loaded_at, _batch_id, _source_row)) AS _batch_id,
            ARG_MAX(_source, (_loaded_at, _batch_id, _source_row)) AS _source,
            ARG_MAX(_source_row, (_loaded_at, _batch_id, _source_row)) AS _source_row
        FROM ods."xuexi__statements"
        WHERE NULLIF(TRIM(actor_name), '') IS NOT NULL
        GROUP BY actor_name
    ) AS s
),
records AS (
    SELECT * FROM jiaowu WHERE load_rank = 1
    UNION ALL
    SELECT * FROM xuegong WHERE load_rank = 1
    UNION ALL
    SELECT * FROM renshi WHERE load_rank = 1
    UNION ALL
    SELECT * FROM yikatong WHERE load_rank = 1
    UNION ALL
    SELECT * FROM tushu WHERE load_rank = 1
    UNION ALL
    SELECT * FROM zhaosheng WHERE load_rank = 1
    UNION ALL
    SELECT * FROM jiuye WHERE load_rank = 1
    UNION ALL
    SELECT * FROM caiwu WHERE load_rank = 1
    UNION ALL
    SELECT * FROM xuexi
)
SELECT
    system,
    record_key,
    source_table,
    role,
    -- Names are compared as typed minus blanks: 「张 伟」 and 「张伟」 are one spelling.
    NULLIF(REPLACE(cb_halfwidth(raw_name), ' ', ''), '') AS name,
    cb_id_normalize(raw_id) AS id_number,
    CASE WHEN cb_halfwidth(raw_id) IS NOT NULL THEN cb_id_problem(raw_id) END AS id_problem,
    COALESCE(cb_parse_date(raw_birth), cb_id_birth_date(raw_id)) AS birth_date,
    COALESCE(
        CASE cb_halfwidth(raw_sex) WHEN '1' THEN '1' WHEN '男' THEN '1' WHEN '2' THEN '2' WHEN '女' THEN '2' END,
        cb_id_sex(raw_id)
    ) AS sex,
    cb_phone_normalize(raw_phone) AS phone,
    department,
    class_name,
    major,
    student_no,
    staff_no,
    exam_no,
    _batch_id,
    _source,
    _source_row
FROM records
WHERE record_key IS NOT NULL
