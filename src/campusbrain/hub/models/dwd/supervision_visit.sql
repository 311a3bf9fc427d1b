-- name: dwd.supervision_visit
-- layer: dwd
-- grain: one row per 督导听课 record (听课编号)
-- owner: 011 质量管理办公室
-- description: 督导听课, typed: the visit date and the term it falls in (学年 9/1–8/31; 第1学期
--   September to January, 第2学期 February to August, written like 教务's 2024-2025-1), the four
--   scores 教学态度 (of 20), 教学内容 (30), 教学方法 (25), 教学效果 (25), 总分 and 等级. teacher_known
--   is false for a 教师工号 not on the staff list. A record exported twice keeps its latest load.
-- reconciles: ods."ceping__CP_DDTK"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("听课编号"), '') AS visit_no,
        NULLIF(TRIM("督导工号"), '') AS supervisor_gh,
        NULLIF(TRIM("教师工号"), '') AS teacher_gh,
        NULLIF(TRIM("课程代码"), '') AS course_code,
        NULLIF(TRIM("教学班"), '') AS class_id,
        TRY_CAST(TRIM("听课日期") AS DATE) AS visited_on,
        NULLIF(TRIM("节次"), '') AS periods,
        TRY_CAST(TRIM("教学态度") AS INTEGER) AS attitude_score,
        TRY_CAST(TRIM("教学内容") AS INTEGER) AS content_score,
        TRY_CAST(TRIM("教学方法") AS INTEGER) AS method_score,
        TRY_CAST(TRIM("教学效果") AS INTEGER) AS effect_score,
        TRY_CAST(TRIM("总分") AS INTEGER) AS total_score,
        NULLIF(TRIM("等级"), '') AS grade,
        NULLIF(TRIM("评语"), '') AS remark,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("听课编号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."ceping__CP_DDTK"
),
staff AS (
    SELECT DISTINCT NULLIF(TRIM("工号 GH"), '') AS gh FROM ods."renshi__jzgxx"
)
SELECT
    l.visit_no,
    l.supervisor_gh,
    l.teacher_gh,
    CASE WHEN l.teacher_gh IS NOT NULL THEN s.gh IS NOT NULL END AS teacher_known,
    l.course_code,
    l.class_id,
    l.visited_on,
    CASE
        WHEN MONTH(l.visited_on) >= 9 THEN CONCAT(YEAR(l.visited_on), '-', YEAR(l.visited_on) + 1, '-1')
        WHEN MONTH(l.visited_on) = 1 THEN CONCAT(YEAR(l.visited_on) - 1, '-', YEAR(l.visited_on), '-1')
        ELSE CONCAT(YEAR(l.visited_on) - 1, '-', YEAR(l.visited_on), '-2')
    END AS term,
    l.periods,
    l.attitude_score,
    l.content_score,
    l.method_score,
    l.effect_score,
    l.total_score,
    l.grade,
    l.remark,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN staff AS s ON s.gh = l.teacher_gh
WHERE l.load_rank = 1 AND l.visit_no IS NOT NULL
