/* fuzz_main: replay driver for libFuzzer targets. Runs
 * LLVMFuzzerTestOneInput over every file named on the command line, or
 * every regular file inside a named directory, so a corpus doubles as a
 * regression test in builds without libFuzzer. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads path into a malloc'd buffer; returns 0 or -errno. */
static int read_file(const char *path, uint8_t **ret_data, size_t *ret_size)
{
        FILE *f = fopen(path, "rbe");
        uint8_t *data = NULL;
        size_t size = 0, cap = 0, n;

        if (!f)
                return -errno;
        do {
                if (size == cap) {
                        uint8_t *p;
                        cap = cap ? cap * 2 : 4096;
                        p = realloc(data, cap);
                        if (!p) {
                                free(data);
                                fclose(f);
                                return -ENOMEM;
                        }
                        data = p;
                }
                n = fread(data + size, 1, cap - size, f);
                size += n;
        } while (n > 0);
        if (ferror(f)) {
                free(data);
                fclose(f);
                return -EIO;
        }
        fclose(f);
        *ret_data = data;
        *ret_size = size;
        return 0;
}

static int run_file(const char *path)
{
        uint8_t *data = NULL;
        size_t size = 0;
        int r = read_file(path, &data, &size);

        if (r < 0) {
                fprintf(stderr, "%s: %s\n", path, strerror(-r));
                return r;
        }
        /* Copy into an exact-size buffer so ASan catches overreads. */
        {
                uint8_t *exact = malloc(size ? size : 1);
                if (!exact) {
                        free(data);
                        return -ENOMEM;
                }
                memcpy(exact, data, size);
                free(data);
                LLVMFuzzerTestOneInput(exact, size);
                free(exact);
        }
        return 0;
}

static int run_dir(const char *dir, unsigned *count)
{
        struct dirent **names = NULL;
        int n = scandir(dir, &names, NULL, alphasort), r = 0;

        if (n < 0) {
                fprintf(stderr, "%s: %s\n", dir, strerror(errno));
                return -errno;
        }
        for (int i = 0; i < n; i++) {
                char path[4096];
                struct stat st;

                snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
                if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && names[i]->d_name[0] != '.') {
                        if (run_file(path) < 0)
                                r = -EIO;
                        else
                                (*count)++;
                }
                free(names[i]);
        }
        free(names);
        return r;
}

int main(int argc, char **argv)
{
        unsigned count = 0;
        int failed = 0;

        for (int i = 1; i < argc; i++) {
                struct stat st;

                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
                        failed = 1;
                } else if (S_ISDIR(st.st_mode)) {
                        if (run_dir(argv[i], &count) < 0)
                                failed = 1;
                } else if (run_file(argv[i]) < 0) {
                        failed = 1;
                } else {
                        count++;
                }
        }
        printf("%u inputs replayed\n", count);
        if (count == 0) {
                fprintf(stderr, "usage: %s FILE|DIR...: no inputs found\n", argv[0]);
                return 1;
        }
        return failed;
}
