/* coord_autoverify: the daily automatic verification's schedule (pure). */
#include "coord/coord_autoverify.h"

#define DAY (24 * 3600)

int64_t coord_autoverify_next(int64_t wall, unsigned hour)
{
        int64_t day = wall >= 0 ? wall / DAY : (wall - DAY + 1) / DAY;
        int64_t at = day * DAY + (int64_t)(hour % 24) * 3600;

        return at > wall ? at : at + DAY;
}

bool coord_autoverify_due(coord_autoverify_t *s, int64_t wall, unsigned hour)
{
        if (!s->next || s->hour != hour || s->next - wall > DAY) {
                s->next = coord_autoverify_next(wall, hour);
                s->hour = hour;
                return false;
        }
        if (wall < s->next)
                return false;
        s->next = coord_autoverify_next(wall, hour);
        return true;
}

void coord_autoverify_reset(coord_autoverify_t *s)
{
        s->next = 0;
}
