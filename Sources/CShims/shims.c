#define _GNU_SOURCE
#include "CShims.h"
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <stddef.h>
#include <string.h>

int cshim_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

static int ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}

int cshim_epoll_add(int epfd, int fd, uint32_t events, uint64_t data) { return ctl(epfd, EPOLL_CTL_ADD, fd, events, data); }
int cshim_epoll_modify(int epfd, int fd, uint32_t events, uint64_t data) { return ctl(epfd, EPOLL_CTL_MOD, fd, events, data); }
int cshim_epoll_remove(int epfd, int fd) { return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL); }

int cshim_epoll_wait(int epfd, cshim_epoll_event *events, int max, int timeout_ms) {
    struct epoll_event raw[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, raw, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        events[i].events = raw[i].events;
        events[i].data = raw[i].data.u64;
    }
    return n;
}

int cshim_timerfd_create(void) { return timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC); }

int cshim_timerfd_arm(int fd, uint64_t ms) {
    struct itimerspec spec;
    memset(&spec, 0, sizeof spec);
    spec.it_value.tv_sec = (time_t)(ms / 1000);
    spec.it_value.tv_nsec = (long)((ms % 1000) * 1000000);
    return timerfd_settime(fd, 0, &spec, NULL);
}

int cshim_accept(int fd) { return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC); }

/* libdispatch's hooks for run loops that drive the main queue themselves (CoreFoundation uses them). */
extern int _dispatch_get_main_queue_handle_4CF(void);
extern void _dispatch_main_queue_callback_4CF(void *msg);

int cshim_main_queue_fd(void) { return _dispatch_get_main_queue_handle_4CF(); }
void cshim_drain_main_queue(void) { _dispatch_main_queue_callback_4CF(NULL); }
