#ifndef TINA4_CSHIMS_H
#define TINA4_CSHIMS_H

#include <stdint.h>

/// One readiness event, unpacked (the kernel's `struct epoll_event` is packed on x86_64,
/// which Swift cannot import reliably).
typedef struct {
    uint32_t events;
    uint64_t data;
} cshim_epoll_event;

enum {
    CSHIM_EPOLLIN = 0x001,
    CSHIM_EPOLLOUT = 0x004,
    CSHIM_EPOLLERR = 0x008,
    CSHIM_EPOLLHUP = 0x010,
    CSHIM_EPOLLRDHUP = 0x2000,
};

int cshim_epoll_create(void);
int cshim_epoll_add(int epfd, int fd, uint32_t events, uint64_t data);
int cshim_epoll_modify(int epfd, int fd, uint32_t events, uint64_t data);
int cshim_epoll_remove(int epfd, int fd);
/// Waits for up to `max` events (at most 256 per call).
int cshim_epoll_wait(int epfd, cshim_epoll_event *events, int max, int timeout_ms);

/// A non-blocking, close-on-exec monotonic timer fd.
int cshim_timerfd_create(void);
/// Arms the timer to fire once after `ms` milliseconds (0 disarms it).
int cshim_timerfd_arm(int fd, uint64_t ms);

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC.
int cshim_accept(int fd);

/// The fd libdispatch signals when the main queue has work (an eventfd on Linux).
int cshim_main_queue_fd(void);
/// Runs the main queue's pending work; call on the main thread when its fd is readable.
void cshim_drain_main_queue(void);
#endif
