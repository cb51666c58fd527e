-- What MySQL must hold after any load, crash or failover: one row, four counts, all 0.
--   overlapping     owning bookings of a hall that overlap an earlier one (the running maximum
--                   of the earlier ends: exact, and O(n log n) on a soak's half a million rows);
--   missing_quanta  owning bookings that do not own exactly their 15-minute quanta (the
--                   meeting's, an extension's waiting, and the buffer's after them, up to the
--                   day's midnight);
--   stray_quanta    quanta owned by a booking that no longer owns time (a no-show keeps those
--                   before its release, the time already passed);
--   lost_notices    bookings whose change the member must be told of (rejected, expired, a
--                   no-show, cancelled by someone else or by a closure, approved) without the
--                   notice written in the change's transaction; a request whose approvers
--                   were told (or, later, its street) without a notice to one of them that
--                   exists; a decided appeal its member was not told of; a co-organiser whose
--                   joining the owner was not told of (while the owner's account lives); an
--                   extension approved, rejected or expired (audited) its member was not told of.
-- Read by tests/support/invariants.hpp and scripts/lib/invariants.sh (the benchmarks, the soak).
SELECT
  (SELECT COUNT(*) FROM (
     SELECT COALESCE(ext_starts_at, starts_at) AS starts_at,
            MAX(COALESCE(ext_ends_at, ends_at)) OVER (PARTITION BY venue_id ORDER BY COALESCE(ext_starts_at, starts_at), id
                                                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end
     FROM bookings WHERE status IN ('pending','confirmed','checked_in','completed')) o
   WHERE o.earlier_end > o.starts_at) AS overlapping,
  (SELECT COUNT(*) FROM bookings b WHERE b.status IN ('pending','confirmed','checked_in','completed')
     AND TIMESTAMPDIFF(MINUTE, COALESCE(b.ext_starts_at, b.starts_at),
                       LEAST(COALESCE(b.ext_ends_at, b.ends_at) + INTERVAL b.buffer_minutes MINUTE,
                             GREATEST(COALESCE(b.ext_ends_at, b.ends_at), DATE(b.starts_at) + INTERVAL 1 DAY))) / 15 <>
         (SELECT COUNT(*) FROM booking_quanta q WHERE q.booking_id = b.id AND q.venue_id = b.venue_id)) AS missing_quanta,
  (SELECT COUNT(*) FROM booking_quanta q JOIN bookings b ON b.id = q.booking_id JOIN venues v ON v.id = b.venue_id
   WHERE b.status NOT IN ('pending','confirmed','checked_in','completed')
     AND NOT (b.status = 'no_show' AND q.slot_start < b.starts_at + INTERVAL v.checkin_after_minutes MINUTE)) AS stray_quanta,
  (SELECT COUNT(*) FROM bookings b
   WHERE (b.status IN ('rejected','expired','no_show')
          AND NOT EXISTS (SELECT 1 FROM notices o WHERE o.kind = b.status AND o.subject_kind = 'booking' AND o.subject_id = b.id))
      OR (b.status = 'cancelled' AND b.cancelled_by <> b.user_id
          AND NOT EXISTS (SELECT 1 FROM notices o WHERE o.kind IN ('cancelled','closure_cancelled') AND o.subject_kind = 'booking' AND o.subject_id = b.id))
      OR (EXISTS (SELECT 1 FROM audit_log a WHERE a.object_type = 'booking' AND a.object_id = b.id AND a.action = 'approve_booking')
          AND NOT EXISTS (SELECT 1 FROM notices o WHERE o.kind = 'approved' AND o.subject_kind = 'booking' AND o.subject_id = b.id))
      OR (b.approvers_told_at IS NOT NULL
          AND EXISTS (SELECT 1 FROM manager_buildings mb JOIN venues v ON v.building_id = mb.building_id
                      WHERE v.id = b.venue_id AND mb.user_id <> b.user_id)
          AND NOT EXISTS (SELECT 1 FROM notices o WHERE o.kind = 'request_waiting' AND o.subject_kind = 'booking' AND o.subject_id = b.id))
      OR (b.escalated_at IS NOT NULL
          AND EXISTS (SELECT 1 FROM users u JOIN buildings bd ON bd.street_id = u.street_id JOIN venues v ON v.building_id = bd.id
                      WHERE v.id = b.venue_id AND u.role = 'street_admin' AND u.id <> b.user_id)
          AND NOT EXISTS (SELECT 1 FROM notices o WHERE o.kind = 'request_overdue' AND o.subject_kind = 'booking' AND o.subject_id = b.id)))
  + (SELECT COUNT(*) FROM violations x
     WHERE x.appeal_decided_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM notices o WHERE o.user_id = x.user_id
                       AND o.kind = CONCAT('appeal_', x.appeal_outcome)
                       AND o.dedup_key = CONCAT('appeal_', x.appeal_outcome, ':violation:', x.id)))
  + (SELECT COUNT(*) FROM booking_coorganisers c JOIN bookings b ON b.id = c.booking_id
     JOIN users u ON u.id = b.user_id AND u.closed_at IS NULL
     WHERE NOT EXISTS (SELECT 1 FROM notices o WHERE o.user_id = b.user_id
                       AND o.dedup_key = CONCAT('coorganiser_joined:booking:', c.booking_id, ':', c.user_id)))
  + (SELECT COUNT(*) FROM (
       SELECT b.id, a.action, COUNT(*) AS decided FROM audit_log a JOIN bookings b ON b.id = a.object_id
       JOIN users u ON u.id = b.user_id AND u.closed_at IS NULL
       WHERE a.object_type = 'booking' AND a.action IN ('approve_extension','reject_extension','expire_extension')
       GROUP BY b.id, a.action) d
     WHERE d.decided > (SELECT COUNT(*) FROM notices o WHERE o.subject_kind = 'booking' AND o.subject_id = d.id
                        AND o.kind = CONCAT('extension_', CASE d.action WHEN 'approve_extension' THEN 'approved'
                                                       WHEN 'reject_extension' THEN 'rejected' ELSE 'expired' END))) AS lost_notices;
