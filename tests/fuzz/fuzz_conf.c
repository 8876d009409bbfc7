/* fuzz_conf: the configuration text as hamrd reads it from the repository
 * (conf_db_parse: the inih-based parser), then what it does with a text that
 * parses: verify, compile, JSON of every object, and format. Whatever parses
 * must format to a text that parses again and formats to the same text; a
 * text that verifies must compile, and one that does not must not. Any
 * disagreement aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "conf/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


#define MAX_TEXT (256 * 1024) /* keep runs fast; the repository allows ~1 MiB */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char err[CONF_ERR_LEN], err2[CONF_ERR_LEN];
        conf_db_t *db = NULL, *db2 = NULL;
        hamr_config_t *cfg = NULL;
        char *text, *out, *out2;
        int r, v;

        if (size > MAX_TEXT)
                return 0;
        /* The repository reader hands over a NUL-terminated copy. */
        text = malloc(size + 1);
        CHECK(text);
        memcpy(text, data, size);
        text[size] = '\0';
        err[0] = '\0';
        r = conf_db_parse(text, &db, err, sizeof(err));
        free(text);
        if (r < 0) {
                CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)));
                return 0;
        }

        v = conf_db_verify(db, err, sizeof(err));
        (void)conf_db_check_cluster(db, err2, sizeof(err2));
        r = conf_compile(db, &cfg, err2, sizeof(err2));
        CHECK((v == 0) == (r == 0));
        if (r == 0) {
                CHECK(cfg->generation == db->generation);
                for (unsigned i = 0; i < cfg->nnodes; i++)
                        CHECK(hamr_config_node_by_name(cfg, cfg->nodes[i].name) == (int)i);
                for (unsigned i = 0; i < cfg->nrgs; i++)
                        CHECK(hamr_config_rg_by_name(cfg, cfg->rgs[i].name) == (int)i);
                hamr_config_free(cfg);
        }
        for (size_t i = 0; i < db->nobjs; i++) {
                json_t *j = conf_object_to_json(&db->objs[i]);
                CHECK(j);
                json_decref(j);
        }

        out = conf_db_format(db);
        CHECK(out);
        r = conf_db_parse(out, &db2, err, sizeof(err));
        if (r < 0) {
                fprintf(stderr, "formatted text does not parse: %s\n%s", err, out);
                abort();
        }
        out2 = conf_db_format(db2);
        CHECK(out2);
        if (strcmp(out, out2) != 0) {
                fprintf(stderr, "format is not stable:\n%s---\n%s", out, out2);
                abort();
        }
        CHECK(db2->nobjs == db->nobjs && db2->generation == db->generation);
        free(out);
        free(out2);
        conf_db_free(db2);
        conf_db_free(db);
        return 0;
}
