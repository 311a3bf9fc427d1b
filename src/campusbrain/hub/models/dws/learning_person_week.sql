-- name: dws.learning_person_week
-- layer: dws
-- grain: one row per learning-platform actor (account name or mbox) and ISO week (its Monday)
-- owner: 002 教务处
-- description: 学习投入 per learner and week on 学在望湖: statements, active days, courses
--   touched, completions (completed), passes and fails, answers, and learning time — the sum of
--   the statements' result durations, in minutes (every statement of a session reports the
--   time of its own activity). person_id is the golden person (dwd.person_link, system
--   'xuexi'); NULL when identity resolution has not linked the actor.
-- materialized: full

WITH weekly AS (
    SELECT
        actor_key,
        CAST(DATE_TRUNC('week', stated_at) AS DATE) AS week_start,
        COUNT(*) AS statements,
        -- The days of one week are its 7 weekdays: one bit each, counted in the OR of the
        -- statements' bits, spares a COUNT(DISTINCT) (14 million statements: 3.9 s -> 3.4 s).
        BIT_COUNT(BIT_OR(CAST(1 AS INTEGER) << ISODOW(stated_on))) AS active_days,
        COUNT(DISTINCT course_id) AS courses,
        COUNT(*) FILTER (WHERE verb = 'completed') AS completions,
        COUNT(*) FILTER (WHERE verb = 'passed') AS passes,
        COUNT(*) FILTER (WHERE verb = 'failed') AS fails,
        COUNT(*) FILTER (WHERE verb = 'answered') AS answers,
        ROUND(COALESCE(SUM(duration_seconds), 0) / 60.0, 1) AS learning_minutes
    FROM dwd.learning_statement
    WHERE actor_key IS NOT NULL AND stated_at IS NOT NULL
    GROUP BY 1, 2
)
SELECT
    w.actor_key,
    p.person_id,
    w.week_start,
    w.statements,
    w.active_days,
    w.courses,
    w.completions,
    w.passes,
    w.fails,
    w.answers,
    w.learning_minutes
FROM weekly AS w
LEFT JOIN dwd.person_link AS p ON p.system = 'xuexi' AND p.record_key = w.actor_key
