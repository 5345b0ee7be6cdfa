// A plain transfer on a thread of its own (uploads: kernel-receive.c, downloads: kernel-send.c), as
// vsftpd's and ProFTPD's per-session processes move bytes: the thread works the data connection and
// the file, while Ferry's event loop only hears of the progress and the end.
#ifndef FERRY_TRANSFER_THREAD_H
#define FERRY_TRANSFER_THREAD_H
#include <stdatomic.h>
#include <stdint.h>
#include <uv.h>

#include "napi-helpers.h"

typedef struct transfer transfer_t;

// What the thread runs: moves bytes (telling transfer_moved), returns 0 or -errno.
typedef int (*transfer_body_t)(transfer_t* t);

struct transfer {
  uv_async_t async;  // the thread's messages to the event loop: progress, then the end
  uv_thread_t thread;
  napi_env env;
  napi_ref self;      // keeps the JS object alive until the end is delivered
  napi_ref callback;  // callback(status, bytes): 1 progress; 0 the end; -errno a failure
  napi_async_context context;
  transfer_body_t body;
  int socket;        // the thread's duplicate of the data connection, closed after the thread ends
  int file;          // the caller's, open until the callback reports the end
  int64_t position;  // where in the file the transfer starts; -1: at the file's own offset
  int wake;          // eventfd that cancel() writes, to wake the thread out of poll()
  atomic_int cancel;
  atomic_llong bytes;
  atomic_int finished;  // the thread is done: `status` is set
  int status;
  int64_t total;         // thread only: bytes moved
  int64_t reported;      // thread only: what the event loop was last told
  uint64_t reported_at;  // thread only: when (uv_hrtime)
  int started;           // the thread was created (to be joined)
  int delivered;         // the end went to JavaScript (event loop only)
  int handle_closed;
  int finalized;
};

// Thread side: counts `n` more bytes moved and tells the event loop once there are enough.
void transfer_moved(transfer_t* t, int64_t n);

// Thread side: waits until the socket has `events` (POLLIN, POLLOUT), an error, cancel(), or a
// quarter of a second; then reports bytes the event loop has not heard of. 0, or -errno
// (-ECANCELED after cancel()).
int transfer_wait(transfer_t* t, short events);

// The JS entry points' shared part: (socketFd, fileFd, position, callback) starts `body` on a new
// thread and returns { cancel() }. `usage` names the call in argument errors, `resource` the
// async resource (for async_hooks).
napi_value transfer_start(napi_env env, napi_callback_info info, const char* usage, const char* resource, transfer_body_t body);

// receiveToFile(socketFd, fileFd, position, callback), in kernel-receive.c.
napi_value ferry_receive_to_file(napi_env env, napi_callback_info info);
// sendFromFile(socketFd, fileFd, position, callback), in kernel-send.c.
napi_value ferry_send_from_file(napi_env env, napi_callback_info info);

#endif
