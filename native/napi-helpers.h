// Helpers shared by the native helper's source files (N-API argument and error handling).
#ifndef FERRY_NAPI_HELPERS_H
#define FERRY_NAPI_HELPERS_H
#include <stdbool.h>
#include <stdint.h>
#include <node_api.h>

#define CHECK(call)                                                        \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error(env, NULL, "ferry-native: " #call " failed");       \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

static inline napi_value make_int64(napi_env env, int64_t value) {
  napi_value result;
  if (napi_create_int64(env, value, &result) != napi_ok) return NULL;
  return result;
}

// Reads up to `max` arguments into argv (those not given are undefined). False, with a TypeError
// naming `usage` thrown, when fewer than `min` were given.
static inline bool get_args(napi_env env, napi_callback_info info, size_t min, size_t max, napi_value* argv, const char* usage) {
  size_t argc = max;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    napi_throw_error(env, NULL, "ferry-native: napi_get_cb_info failed");
    return false;
  }
  if (argc < min) {
    napi_throw_type_error(env, NULL, usage);
    return false;
  }
  return true;
}

// True when `value` is a function; otherwise false, with a TypeError naming `usage` thrown.
static inline bool is_function(napi_env env, napi_value value, const char* usage) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, NULL, usage);
    return false;
  }
  return true;
}

// Calls `callback` as Node calls back from its own I/O (make_callback also runs the microtasks it
// queued, promise continuations). A throwing callback is a bug in Ferry: reported as any uncaught
// exception.
static inline void call_back(napi_env env, napi_async_context context, napi_value resource, napi_value callback, size_t argc, const napi_value* argv) {
  napi_value result;
  if (napi_make_callback(env, context, resource, callback, argc, argv, &result) == napi_pending_exception) {
    napi_value error;
    if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
  }
}

#endif
