-- Children looked after at the end of the period whose distance from home to placement is known, and which of
-- them were placed more than 20 miles from home and outside the council. The distance (miles to one decimal
-- place) and the council were worked out from HOME_POST and PL_POST with the postcode lookup as the episode was
-- loaded (casework/postcodes.py); the postcodes are not stored. A child whose distance is not known is a record
-- outside the denominator, so that the drill-through shows who is missing.
SELECT
    cla.la,
    cla.child,
    coalesce(episode.placement_miles > 20 AND episode.placed_outside_la, false) AS in_numerator,
    episode.placement_miles IS NOT NULL AND episode.placed_outside_la IS NOT NULL AS in_denominator,
    concat(
        'Looked after on ', uk_date(CAST($period_end AS DATE)), '; placement from ', uk_date(cla.decom), ': ',
        CASE
            WHEN episode.placement_miles IS NULL OR episode.placed_outside_la IS NULL
                THEN 'distance from home not known (a postcode blank, or not in the postcode lookup)'
            ELSE concat(
                printf('%.1f', episode.placement_miles), ' miles from home, ',
                CASE WHEN episode.placed_outside_la THEN 'outside' ELSE 'inside' END, ' the council'
            )
        END
    ) AS evidence
FROM looked_after_on(CAST($period_end AS DATE)) AS cla
JOIN episodes AS episode ON episode.child = cla.child AND episode.decom = cla.decom
