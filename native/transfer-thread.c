// The machinery shared by Ferry's transfer threads (transfer-thread.h): starting one, its progress
// reports and its end delivered to the event loop, cancel(), and freeing it once both libuv and the
// JS object are done with it.
#define _GNU_SOURCE
#include "transfer-thread.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

// The event loop hears of progress (the idle timer, STAT) after this much, or after a quarter of a
// second with fewer bytes: a slow transfer must not look idle (the idle timeout is at least a second).
#define PROGRESS_BYTES (4 * 1024 * 1024)
#define PROGRESS_MS 250
#define PROGRESS_NS (PROGRESS_MS * 1000000LL)

static void transfer_free_if_done(transfer_t* t) {
  if (t->handle_closed && t->finalized) free(t);
}

// Tells the event loop of bytes it has not heard of, once there are enough or PROGRESS_MS has passed.
static void report_progress(transfer_t* t) {
  if (t->total == t->reported) return;
  uint64_t now = uv_hrtime();
  if (t->total - t->reported < PROGRESS_BYTES && now - t->reported_at < PROGRESS_NS) return;
  t->reported = t->total;
  t->reported_at = now;
  uv_async_send(&t->async);
}

void transfer_moved(transfer_t* t, int64_t n) {
  t->total += n;
  atomic_store(&t->bytes, t->total);
  report_progress(t);
}

int transfer_wait(transfer_t* t, short events) {
  if (atomic_load(&t->cancel)) return -ECANCELED;
  // Wakes at least every PROGRESS_MS, so a slow client's few bytes are reported.
  struct pollfd fds[2] = {{.fd = t->socket, .events = events}, {.fd = t->wake, .events = POLLIN}};
  if (poll(fds, 2, PROGRESS_MS) < 0 && errno != EINTR) return -errno;
  report_progress(t);  // bytes moved just before a quiet spell
  return atomic_load(&t->cancel) ? -ECANCELED : 0;
}

static void transfer_run(void* arg) {
  transfer_t* t = (transfer_t*)arg;
  t->reported_at = uv_hrtime();
  t->status = t->body(t);
  atomic_store(&t->finished, 1);
  uv_async_send(&t->async);
}

static void on_async_closed(uv_handle_t* handle) {
  transfer_t* t = (transfer_t*)handle->data;
  napi_handle_scope scope;
  if (napi_open_handle_scope(t->env, &scope) == napi_ok) {
    napi_async_destroy(t->env, t->context);
    napi_close_handle_scope(t->env, scope);
  }
  t->handle_closed = 1;
  transfer_free_if_done(t);
}

static void on_async(uv_async_t* handle) {
  transfer_t* t = (transfer_t*)handle->data;
  if (t->delivered) return;
  int finished = atomic_load(&t->finished);
  int64_t bytes = atomic_load(&t->bytes);
  napi_env env = t->env;
  napi_value callback = NULL, resource = NULL;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  if (napi_get_reference_value(env, t->callback, &callback) != napi_ok) callback = NULL;
  if (napi_get_reference_value(env, t->self, &resource) != napi_ok) resource = NULL;
  if (finished) {
    // The thread has returned or is about to: join it, then nothing else touches the descriptors.
    if (t->started) uv_thread_join(&t->thread);
    close(t->socket);
    close(t->wake);
    t->delivered = 1;
    napi_delete_reference(env, t->callback);
    napi_delete_reference(env, t->self);
    uv_close((uv_handle_t*)&t->async, on_async_closed);
  }
  if (callback && resource) {
    napi_value argv[2];
    if (napi_create_int32(env, finished ? t->status : 1, &argv[0]) == napi_ok && napi_create_int64(env, bytes, &argv[1]) == napi_ok) {
      call_back(env, t->context, resource, callback, 2, argv);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void transfer_finalize(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  transfer_t* t = (transfer_t*)data;
  t->finalized = 1;
  transfer_free_if_done(t);
}

static napi_value js_transfer_cancel(napi_env env, napi_callback_info info) {
  napi_value self;
  void* data;
  CHECK(napi_get_cb_info(env, info, NULL, NULL, &self, NULL));
  CHECK(napi_unwrap(env, self, &data));
  transfer_t* t = (transfer_t*)data;
  if (t->delivered) return NULL;
  atomic_store(&t->cancel, 1);
  uint64_t one = 1;
  ssize_t ignored = write(t->wake, &one, sizeof one);
  (void)ignored;  // the flag alone stops a thread that is not waiting in poll()
  return NULL;
}

napi_value transfer_start(napi_env env, napi_callback_info info, const char* usage, const char* resource, transfer_body_t body) {
  napi_value argv[4];
  if (!get_args(env, info, 4, 4, argv, usage)) return NULL;
  int32_t socket_fd, file_fd;
  int64_t position;
  CHECK(napi_get_value_int32(env, argv[0], &socket_fd));
  CHECK(napi_get_value_int32(env, argv[1], &file_fd));
  CHECK(napi_get_value_int64(env, argv[2], &position));
  if (!is_function(env, argv[3], usage)) return NULL;
  uv_loop_t* loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  transfer_t* t = calloc(1, sizeof(transfer_t));
  if (!t) {
    napi_throw_error(env, "ENOMEM", "ferry-native: out of memory");
    return NULL;
  }
  t->env = env;
  t->body = body;
  t->file = file_fd;
  t->position = position < 0 ? -1 : position;
  // A duplicate: Node may close its descriptor (and the kernel reuse the number) while the thread works.
  t->socket = fcntl(socket_fd, F_DUPFD_CLOEXEC, 0);
  t->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (t->socket < 0 || t->wake < 0) {
    int err = errno;
    if (t->socket >= 0) close(t->socket);
    if (t->wake >= 0) close(t->wake);
    free(t);
    napi_throw_error(env, uv_err_name(-err), "ferry-native: could not duplicate the socket or open an eventfd for a transfer thread");
    return NULL;
  }
  t->async.data = t;
  int rc = uv_async_init(loop, &t->async, on_async);
  if (rc != 0) {
    close(t->socket);
    close(t->wake);
    free(t);
    napi_throw_error(env, uv_err_name(rc), uv_strerror(rc));
    return NULL;
  }
  napi_value obj, cancel_fn, name;
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_create_function(env, "cancel", NAPI_AUTO_LENGTH, js_transfer_cancel, NULL, &cancel_fn));
  CHECK(napi_set_named_property(env, obj, "cancel", cancel_fn));
  CHECK(napi_wrap(env, obj, t, transfer_finalize, NULL, NULL));
  CHECK(napi_create_reference(env, obj, 1, &t->self));
  CHECK(napi_create_reference(env, argv[3], 1, &t->callback));
  CHECK(napi_create_string_utf8(env, resource, NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, obj, name, &t->context));
  rc = uv_thread_create(&t->thread, transfer_run, t);
  if (rc != 0) {
    // No thread: report the failure through the callback, as the thread would have.
    t->status = rc;
    atomic_store(&t->finished, 1);
    uv_async_send(&t->async);
  } else {
    t->started = 1;
  }
  return obj;
}
