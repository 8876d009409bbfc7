/* fuzz_reply: what clmgr does with the reply line it reads from hamrd's
 * socket: cli_client_reply_parse (the JSON step of cli_client_call), then,
 * for a reply that is an object, the output layer for each kind of command
 * (query in text, -c and -j, clRGinfo status, sync, verify) and the wait
 * conditions of the runtime commands (start, stop, move) evaluated over it
 * as a status. The input is the reply line (a NUL ends it, as in clmgr).
 * Crashes and sanitizer reports are the findings; a parse that fails must
 * say why. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "cli/cli_client.h"
#include "cli/cli_output.h"
#include "cli/cli_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


#define NCMDS 10

static const char *const argvs[NCMDS][6] = {
    {"clmgr", "query", "resource_group", NULL},
    {"clmgr", "-c", "query", "node", NULL},
    {"clmgr", "-j", "query", "cluster", NULL},
    {"clmgr", "-a", "NAME,STATE", "query", "rg", NULL},
    {"clRGinfo", NULL},
    {"clmgr", "sync", "cluster", NULL},
    {"clmgr", "verify", "cluster", NULL},
    {"clmgr", "start", "cluster", NULL},
    {"clmgr", "stop", "node", "n1", NULL},
    {"clmgr", "move", "resource_group", "app_rg", "NODE=n2", NULL},
};
static struct cli_cmd cmds[NCMDS];
static FILE *devnull;

static void init(void)
{
        for (int i = 0; i < NCMDS; i++) {
                int argc = 0;

                while (argvs[i][argc])
                        argc++;
                if (cli_parse(argc, (char *const *)argvs[i], &cmds[i]) < 0) {
                        fprintf(stderr, "fuzz_reply: cannot parse command %d: %s\n", i,
                                cmds[i].error);
                        abort();
                }
        }
        devnull = fopen("/dev/null", "we");
        CHECK(devnull);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char err[256];
        json_t *reply = NULL;
        char *line, *text;
        int r;

        if (!devnull)
                init();
        line = malloc(size + 1);
        CHECK(line);
        memcpy(line, data, size);
        line[size] = '\0';
        err[0] = '\0';
        r = cli_client_reply_parse(line, "/fuzz.sock", &reply, err, sizeof(err));
        free(line);
        if (r < 0) {
                CHECK(r == -EPROTO && strstr(err, "/fuzz.sock"));
                return 0;
        }
        CHECK(json_is_object(reply));
        for (int i = 0; i < NCMDS; i++) {
                r = cli_output_reply(devnull, &cmds[i], reply);
                CHECK(r == 0 || r == -EPROTO);
                if (cmds[i].wait.kind != CLI_WAIT_NONE) {
                        json_decref(cmds[i].wait.stale); /* each input on its own */
                        cmds[i].wait.stale = NULL;
                        cli_wait_prime(&cmds[i].wait, reply);
                        text = NULL;
                        (void)cli_wait_check(&cmds[i].wait, reply, &text);
                        free(text);
                        text = cli_wait_goal(&cmds[i].wait);
                        free(text);
                }
        }
        json_decref(reply);
        return 0;
}
