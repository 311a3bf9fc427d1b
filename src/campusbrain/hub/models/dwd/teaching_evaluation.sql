-- name: dwd.teaching_evaluation
-- layer: dwd
-- grain: one row per 学生评教 record (评价ID): student × 教学班 × 评价批次
-- owner: 011 质量管理办公室
-- description: 学生评教, typed: the ten item scores (1–5) and 总分, the term split into 学年 and
--   学期 (2023-2024-1), the evaluation time. total_score_consistent checks 总分 = 2 × the item sum;
--   is_straight_lined marks an answer that ticks the same score for all ten items. teacher_known
--   is false for a 教师工号 that is not on the staff list (a 外聘 teacher typed in by hand): the
--   row is kept. A record exported twice keeps its latest load.
-- reconciles: ods."ceping__CP_XSPJ"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("评价ID"), '') AS evaluation_id,
        NULLIF(TRIM("学年学期"), '') AS term,
        NULLIF(TRIM("评价批次"), '') AS round,
        NULLIF(TRIM("课程代码"), '') AS course_code,
        NULLIF(TRIM("教学班"), '') AS class_id,
        NULLIF(TRIM("教师工号"), '') AS teacher_gh,
        NULLIF(TRIM("学号"), '') AS student_no,
        TRY_CAST(TRIM(T01) AS INTEGER) AS t01,
        TRY_CAST(TRIM(T02) AS INTEGER) AS t02,
        TRY_CAST(TRIM(T03) AS INTEGER) AS t03,
        TRY_CAST(TRIM(T04) AS INTEGER) AS t04,
        TRY_CAST(TRIM(T05) AS INTEGER) AS t05,
        TRY_CAST(TRIM(T06) AS INTEGER) AS t06,
        TRY_CAST(TRIM(T07) AS INTEGER) AS t07,
        TRY_CAST(TRIM(T08) AS INTEGER) AS t08,
        TRY_CAST(TRIM(T09) AS INTEGER) AS t09,
        TRY_CAST(TRIM(T10) AS INTEGER) AS t10,
        TRY_CAST(TRIM("总分") AS INTEGER) AS total_score,
        TRY_STRPTIME(TRIM("评价时间"), '%Y-%m-%d %H:%M:%S') AS evaluated_at,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("评价ID")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."ceping__CP_XSPJ"
),
staff AS (
    SELECT DISTINCT NULLIF(TRIM("工号 GH"), '') AS gh FROM ods."renshi__jzgxx"
)
SELECT
    l.evaluation_id,
    l.term,
    LEFT(l.term, 9) AS school_year,
    TRY_CAST(SPLIT_PART(l.term, '-', 3) AS INTEGER) AS term_no,
    l.round,
    l.course_code,
    l.class_id,
    l.teacher_gh,
    CASE WHEN l.teacher_gh IS NOT NULL THEN s.gh IS NOT NULL END AS teacher_known,
    l.student_no,
    l.t01,
    l.t02,
    l.t03,
    l.t04,
    l.t05,
    l.t06,
    l.t07,
    l.t08,
    l.t09,
    l.t10,
    l.total_score,
    l.total_score = 2 * (l.t01 + l.t02 + l.t03 + l.t04 + l.t05 + l.t06 + l.t07 + l.t08 + l.t09 + l.t10)
        AS total_score_consistent,
    LEAST(l.t01, l.t02, l.t03, l.t04, l.t05, l.t06, l.t07, l.t08, l.t09, l.t10)
        = GREATEST(l.t01, l.t02, l.t03, l.t04, l.t05, l.t06, l.t07, l.t08, l.t09, l.t10) AS is_straight_lined,
    l.evaluated_at,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN staff AS s ON s.gh = l.teacher_gh
WHERE l.load_rank = 1 AND l.evaluation_id IS NOT NULL
