# Sourced by the benchmarks and the soak: the booking invariants of tests/support/invariants.sql,
# and every 201 a load generator saw (ids, one a line) checked to be a booking that owns its time.
#   booking_invariants IDS_FILE MARIADB_COMMAND...   (the command reads SQL on stdin, prints -N -B)
# Prints "overlapping N, missing_quanta N, stray_quanta N, lost_notices N, 201s not owning in MySQL N of M,
# ids answered twice N" and returns 1 when any of those is not 0.
booking_invariants() {
    local ids="$1" root counts unseen seen twice
    shift
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    counts=$("$@" <"$root/tests/support/invariants.sql")
    seen=$( [ -f "$ids" ] && wc -l <"$ids" || echo 0)
    unseen=$({
        echo "CREATE TEMPORARY TABLE seen (id BIGINT UNSIGNED NOT NULL PRIMARY KEY);"
        [ -f "$ids" ] && sort -un "$ids" | awk 'NR % 1000 == 1 {if (NR > 1) print ";"; printf "INSERT INTO seen VALUES (%s)", $1; next}
                                               {printf ",(%s)", $1} END {if (NR) print ";"}'
        echo "SELECT COUNT(*) FROM seen s LEFT JOIN bookings b ON b.id = s.id
              AND b.status IN ('pending','confirmed','checked_in','completed') WHERE b.id IS NULL;"
    } | "$@")
    twice=$(( seen - $( [ -f "$ids" ] && sort -u "$ids" | wc -l || echo 0) ))
    read -r over missing stray lost <<<"$counts"
    echo "overlapping $over, missing_quanta $missing, stray_quanta $stray, lost_notices $lost, 201s not owning in MySQL $unseen of $seen, ids answered twice $twice"
    [ "$over$missing$stray$lost$unseen$twice" = 000000 ]
}
