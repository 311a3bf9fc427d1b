-- name: dwd.grade
-- layer: dwd
-- grain: one row per 成绩 record (CJID, cj_id): one exam sitting of one student in one course;
--   a 补考 or 重修 is its own row
-- owner: 002 教务处
-- description: 学生成绩. XH 学号, XN/XQ/term_label the term the grade belongs to (正方 xqm 3 →
--   1, 12 → 2), KCH 课程号, JXBH 教学班号; CJ the grade as shown (a number or a word such as 优秀,
--   缺考), score the 百分制 value (bfzcj, else CJ when numeric; NULL when neither is a number),
--   JD 绩点, KSXZ 考试性质 (正常考试/补考/重修) with exam_attempt 1/2/3, is_absent (缺考),
--   is_passed (score ≥ 60), CJBZ 备注, updated_at (xgsj). course_missing flags a KCH that is not
--   in dwd.course (kept, not dropped).
-- reconciles: ods."jiaowu__jw_cj_xscjb"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(cj_id), '') AS CJID,
        NULLIF(TRIM(xh_id), '') AS XH,
        TRY_CAST(TRIM(xnm) AS INTEGER) AS xn_start,
        CASE TRIM(xqm) WHEN '3' THEN 1 WHEN '12' THEN 2 END AS XQ,
        NULLIF(TRIM(kch_id), '') AS KCH,
        NULLIF(TRIM(jxb_id), '') AS JXBH,
        NULLIF(TRIM(cj), '') AS CJ,
        COALESCE(TRY_CAST(TRIM(bfzcj) AS DOUBLE), TRY_CAST(TRIM(cj) AS DOUBLE)) AS score,
        TRY_CAST(TRIM(jd) AS DOUBLE) AS JD,
        NULLIF(TRIM(ksxz), '') AS KSXZ,
        NULLIF(TRIM(cjbz), '') AS CJBZ,
        TRY_STRPTIME(TRIM(xgsj), '%Y-%m-%d %H:%M:%S') AS updated_at,
        _batch_id,
        _source,
        _source_row,
        _loaded_at
    FROM ods."jiaowu__jw_cj_xscjb"
),
-- Most grades are exported once; only repeated ones go through the ranking (cheaper on big tables).
repeated AS (
    SELECT CJID FROM loaded WHERE CJID IS NOT NULL GROUP BY CJID HAVING COUNT(*) > 1
),
grades AS (
    SELECT l.*
    FROM loaded AS l
    WHERE l.CJID IS NOT NULL AND NOT EXISTS (SELECT 1 FROM repeated AS r WHERE r.CJID = l.CJID)
    UNION ALL
    SELECT * EXCLUDE (load_rank)
    FROM (
        SELECT
            l.*,
            ROW_NUMBER() OVER (
                PARTITION BY l.CJID
                ORDER BY l.updated_at DESC NULLS LAST, l._loaded_at DESC, l._batch_id DESC, l._source_row DESC
            ) AS load_rank
        FROM loaded AS l
        WHERE EXISTS (SELECT 1 FROM repeated AS r WHERE r.CJID = l.CJID)
    ) AS ranked
    WHERE load_rank = 1
)
SELECT
    g.CJID,
    g.XH,
    g.xn_start || '-' || (g.xn_start + 1) AS XN,
    g.XQ,
    g.xn_start || '-' || (g.xn_start + 1) || '-' || g.XQ AS term_label,
    g.KCH,
    g.JXBH,
    g.CJ,
    g.score,
    g.JD,
    g.KSXZ,
    CASE g.KSXZ WHEN '正常考试' THEN 1 WHEN '补考' THEN 2 WHEN '重修' THEN 3 END AS exam_attempt,
    COALESCE(g.CJ = '缺考' OR g.CJBZ = '缺考', FALSE) AS is_absent,
    g.score >= 60 AS is_passed,
    g.CJBZ,
    g.updated_at,
    c.KCH IS NULL AS course_missing,
    g._batch_id,
    g._source,
    g._source_row
FROM grades AS g
LEFT JOIN dwd.course AS c ON c.KCH = g.KCH
