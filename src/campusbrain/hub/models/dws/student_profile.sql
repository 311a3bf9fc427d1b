-- name: dws.student_profile
-- layer: dws
-- grain: one row per student (学号 XH) of dwd.student
-- owner: 002 教务处
-- description: 学生画像 base: who, where, status, grades, aid and leave in one row. person_id
--   (dwd.person_link, system jiaowu); from 教务 (dwd.student): XH, XM, XBM, CSRQ, NJ, DWH + DWMC
--   (dwd.org_unit), ZYDM + ZYMC (dwd.major), BH + BJMC (dwd.class), XJZTM/XJZT, RXRQ, id_problem;
--   from 学工 (dwd.student_affairs, same XH): MZM, ZZMMM, JGM, LXDH, SSH, KNDJM; grades over all
--   terms (dwd.grade + dwd.course): courses_graded, credits_earned (学分 of courses passed at any
--   attempt), gpa (学分-weighted 绩点 of 正常考试 grades), failed_courses (courses failed at the
--   正常考试), unresolved_failed_courses (never passed at any attempt); aid: aid_need_years
--   (dwd.financial_aid_need), latest_KNDJM, scholarships / scholarship_amount (奖学金) and grants
--   / grant_amount (助学金) from dwd.scholarship; leave: leave_requests and leave_days
--   (dwd.leave_request, approved or not).
-- materialized: full

WITH graded AS (
    SELECT g.XH, g.KCH, g.exam_attempt, g.is_passed, g.JD, c.XF
    FROM dwd.grade AS g
    LEFT JOIN dwd.course AS c ON c.KCH = g.KCH
    WHERE g.XH IS NOT NULL
),
per_course AS (
    SELECT
        XH,
        KCH,
        ANY_VALUE(XF) AS XF,
        BOOL_OR(COALESCE(is_passed, FALSE)) AS passed,
        BOOL_OR(exam_attempt = 1 AND NOT COALESCE(is_passed, FALSE)) AS failed_first
    FROM graded
    GROUP BY XH, KCH
),
grades AS (
    SELECT
        p.XH,
        COUNT(*) AS courses_graded,
        COALESCE(SUM(p.XF) FILTER (WHERE p.passed), 0) AS credits_earned,
        COUNT(*) FILTER (WHERE p.failed_first) AS failed_courses,
        COUNT(*) FILTER (WHERE NOT p.passed) AS unresolved_failed_courses
    FROM per_course AS p
    GROUP BY p.XH
),
gpa AS (
    SELECT XH, ROUND(SUM(XF * JD) / NULLIF(SUM(XF) FILTER (WHERE JD IS NOT NULL), 0), 2) AS gpa
    FROM graded
    WHERE exam_attempt = 1
    GROUP BY XH
),
need AS (
    SELECT XH, COUNT(*) AS aid_need_years, ARG_MAX(KNDJM, XN) AS latest_KNDJM
    FROM dwd.financial_aid_need
    GROUP BY XH
),
awards AS (
    SELECT
        XH,
        COUNT(*) FILTER (WHERE award_kind = '奖学金') AS scholarships,
        COALESCE(SUM(JE) FILTER (WHERE award_kind = '奖学金'), 0) AS scholarship_amount,
        COUNT(*) FILTER (WHERE award_kind = '助学金') AS grants,
        COALESCE(SUM(JE) FILTER (WHERE award_kind = '助学金'), 0) AS grant_amount
    FROM dwd.scholarship
    GROUP BY XH
),
leave AS (
    SELECT XH, COUNT(*) AS leave_requests, SUM(QJTS) AS leave_days
    FROM dwd.leave_request
    GROUP BY XH
),
affairs AS (
    SELECT XH, ANY_VALUE(MZM) AS MZM, ANY_VALUE(ZZMMM) AS ZZMMM, ANY_VALUE(JGM) AS JGM,
        ANY_VALUE(LXDH) AS LXDH, ANY_VALUE(SSH) AS SSH, ANY_VALUE(KNDJM) AS KNDJM
    FROM dwd.student_affairs
    GROUP BY XH
),
majors AS (
    SELECT ZYDM, ANY_VALUE(ZYMC) AS ZYMC FROM dwd.major WHERE ZYDM IS NOT NULL GROUP BY ZYDM
)
SELECT
    link.person_id,
    s.XH,
    s.XM,
    s.XBM,
    s.CSRQ,
    s.NJ,
    s.DWH,
    o.DWMC,
    s.ZYDM,
    m.ZYMC,
    s.BH,
    cl.BJMC,
    s.XJZTM,
    s.XJZT,
    s.RXRQ,
    s.id_problem,
    a.MZM,
    a.ZZMMM,
    a.JGM,
    a.LXDH,
    a.SSH,
    a.KNDJM,
    COALESCE(g.courses_graded, 0) AS courses_graded,
    COALESCE(g.credits_earned, 0) AS credits_earned,
    gpa.gpa,
    COALESCE(g.failed_courses, 0) AS failed_courses,
    COALESCE(g.unresolved_failed_courses, 0) AS unresolved_failed_courses,
    COALESCE(need.aid_need_years, 0) AS aid_need_years,
    need.latest_KNDJM,
    COALESCE(awards.scholarships, 0) AS scholarships,
    COALESCE(awards.scholarship_amount, 0) AS scholarship_amount,
    COALESCE(awards.grants, 0) AS grants,
    COALESCE(awards.grant_amount, 0) AS grant_amount,
    COALESCE(leave.leave_requests, 0) AS leave_requests,
    COALESCE(leave.leave_days, 0) AS leave_days
FROM dwd.student AS s
LEFT JOIN dwd.person_link AS link ON link.system = 'jiaowu' AND link.record_key = s.XH
LEFT JOIN dwd.org_unit AS o ON o.DWH = s.DWH
LEFT JOIN majors AS m ON m.ZYDM = s.ZYDM
LEFT JOIN dwd.class AS cl ON cl.BH = s.BH
LEFT JOIN affairs AS a ON a.XH = s.XH
LEFT JOIN grades AS g ON g.XH = s.XH
LEFT JOIN gpa ON gpa.XH = s.XH
LEFT JOIN need ON need.XH = s.XH
LEFT JOIN awards ON awards.XH = s.XH
LEFT JOIN leave ON leave.XH = s.XH
