/* agent_proc: owns the /proc scan behind TYPE=Process application monitors. */
#include "agents/agent_proc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads up to len-1 bytes of a /proc file into buf; returns the length or -1. */
static ssize_t read_small(int dirfd, const char *name, char *buf, size_t len)
{
        int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -1;
        n = read(fd, buf, len - 1);
        close(fd);
        if (n < 0)
                return -1;
        buf[n] = '\0';
        return n;
}

static bool matches(int dirfd, const char *name)
{
        char buf[4096];
        ssize_t n = read_small(dirfd, "comm", buf, sizeof(buf));
        const char *base;

        if (n > 0) {
                buf[strcspn(buf, "\n")] = '\0';
                if (strcmp(buf, name) == 0)
                        return true;
        }
        n = read_small(dirfd, "cmdline", buf, sizeof(buf));
        if (n <= 0)
                return false;
        base = strrchr(buf, '/'); /* argv[0] ends at the first NUL */
        base = base ? base + 1 : buf;
        return strcmp(base, name) == 0;
}

int agent_proc_count(const char *name, long uid)
{
        DIR *d = opendir("/proc");
        struct dirent *e;
        int n = 0;

        if (!d)
                return -errno;
        while ((e = readdir(d))) {
                struct stat st;
                int fd;

                if (!isdigit((unsigned char)e->d_name[0]))
                        continue;
                fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        continue; /* exited meanwhile */
                if ((uid < 0 || (fstat(fd, &st) == 0 && (long)st.st_uid == uid)) &&
                    matches(fd, name))
                        n++;
                close(fd);
        }
        closedir(d);
        return n;
}
