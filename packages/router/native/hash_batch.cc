// hashBatch(): many keys hashed in ONE N-API call (DESIGN.md principle 2: a call costs about a
// hundred typed-array stores, so crossing per key would cost more than the hashing).
//
// Three forms, chosen in TypeScript (src/hash-batch.ts), which validates the argument types
// first. Each writes fxhash64 of key i into out[i] and returns the key count, or -(i + 1) for the
// first key i that cannot be read. These checks are what keeps native code inside the buffers,
// so they stay here even though TypeScript validated what it could.
//
//   hashPacked(data: Uint8Array, offsets: Uint32Array, utf8: boolean, out: BigUint64Array)
//       key i = data[offsets[i] .. offsets[i + 1]), hashed as &str when utf8, else as &[u8]
//   hashArray(keys: (string | Uint8Array | number | bigint)[], out: BigUint64Array)
//       element by element: napi_get_element + a read, all inside this one call
//   hashWords(words: BigUint64Array | BigInt64Array, out: BigUint64Array)
//       each word hashed as a u64
#include <napi.h>

#include <cstdint>
#include <string>

#include "include/fxhash.h"

namespace {

namespace fx = corelane::fxhash;

struct Span {
  uint8_t* data = nullptr;
  size_t length = 0;  // elements
  napi_typedarray_type type = napi_int8_array;
};

bool ReadTypedArray(napi_env env, napi_value value, Span& span) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return false;
  void* data = nullptr;
  napi_value buffer;
  size_t offset = 0;
  if (napi_get_typedarray_info(env, value, &span.type, &span.length, &data, &buffer, &offset) != napi_ok) return false;
  span.data = static_cast<uint8_t*>(data);
  return true;
}

Napi::Number Result(Napi::Env env, int64_t value) {
  return Napi::Number::New(env, static_cast<double>(value));
}

// The packed loop, with the key kind fixed at compile time and every bound in a local (so that
// the stores to `hashes` cannot be taken to alias them). Returns count, or -(i + 1) for a bad key.
template <bool kUtf8>
int64_t HashRanges(const uint8_t* bytes, size_t size, const uint32_t* starts, size_t count, uint64_t* hashes) {
  for (size_t i = 0; i < count; i++) {
    const uint32_t begin = starts[i];
    const uint32_t end = starts[i + 1];
    if (begin > end || end > size) return -static_cast<int64_t>(i) - 1;
    hashes[i] = kUtf8 ? fx::HashStr(bytes + begin, end - begin) : fx::HashBytes(bytes + begin, end - begin);
  }
  return static_cast<int64_t>(count);
}

Napi::Value HashPacked(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Span data, offsets, out;
  if (info.Length() < 4 || !ReadTypedArray(env, info[0], data) || !ReadTypedArray(env, info[1], offsets) ||
      !ReadTypedArray(env, info[3], out) || data.type != napi_uint8_array || offsets.type != napi_uint32_array ||
      out.type != napi_biguint64_array || offsets.length == 0) {
    return Result(env, -1);
  }
  const bool utf8 = info[2].ToBoolean().Value();
  const size_t count = offsets.length - 1;
  if (out.length < count) return Result(env, -1);
  const auto* starts = reinterpret_cast<const uint32_t*>(offsets.data);
  auto* hashes = reinterpret_cast<uint64_t*>(out.data);
  const int64_t done = utf8 ? HashRanges<true>(data.data, data.length, starts, count, hashes)
                            : HashRanges<false>(data.data, data.length, starts, count, hashes);
  return Result(env, done);
}

// Reads one key of an array into its hash; false when the element is not a key.
bool HashElement(napi_env env, napi_value element, std::string& scratch, uint64_t& hash) {
  napi_valuetype type;
  if (napi_typeof(env, element, &type) != napi_ok) return false;
  switch (type) {
    case napi_string: {
      size_t length = 0;
      if (napi_get_value_string_utf8(env, element, nullptr, 0, &length) != napi_ok) return false;
      scratch.resize(length + 1);  // napi writes a terminating NUL
      if (napi_get_value_string_utf8(env, element, scratch.data(), scratch.size(), &length) != napi_ok) return false;
      hash = fx::HashStr(reinterpret_cast<const uint8_t*>(scratch.data()), length);
      return true;
    }
    case napi_number: {
      int64_t value = 0;  // a safe integer (checked in TypeScript): exact; negatives as two's complement
      if (napi_get_value_int64(env, element, &value) != napi_ok) return false;
      hash = fx::HashU64(static_cast<uint64_t>(value));
      return true;
    }
    case napi_bigint: {
      int sign = 0;
      size_t words = 1;
      uint64_t word = 0;
      if (napi_get_value_bigint_words(env, element, &sign, &words, &word) != napi_ok || words > 1) return false;
      hash = fx::HashU64(sign ? ~word + 1 : word);  // -2^63..-1 as two's complement
      return true;
    }
    case napi_object: {
      Span bytes;
      if (!ReadTypedArray(env, element, bytes) || bytes.type != napi_uint8_array) return false;
      hash = fx::HashBytes(bytes.data, bytes.length);
      return true;
    }
    default:
      return false;
  }
}

Napi::Value HashArray(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Span out;
  bool is_array = false;
  if (info.Length() < 2 || napi_is_array(env, info[0], &is_array) != napi_ok || !is_array ||
      !ReadTypedArray(env, info[1], out) || out.type != napi_biguint64_array) {
    return Result(env, -1);
  }
  uint32_t count = 0;
  napi_get_array_length(env, info[0], &count);
  if (out.length < count) return Result(env, -1);
  auto* hashes = reinterpret_cast<uint64_t*>(out.data);
  std::string scratch;
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    if (napi_get_element(env, info[0], i, &element) != napi_ok ||
        !HashElement(env, element, scratch, hashes[i])) {
      return Result(env, -static_cast<int64_t>(i) - 1);
    }
  }
  return Result(env, count);
}

Napi::Value HashWords(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Span words, out;
  if (info.Length() < 2 || !ReadTypedArray(env, info[0], words) || !ReadTypedArray(env, info[1], out) ||
      (words.type != napi_biguint64_array && words.type != napi_bigint64_array) ||
      out.type != napi_biguint64_array || out.length < words.length) {
    return Result(env, -1);
  }
  const auto* in = reinterpret_cast<const uint64_t*>(words.data);
  auto* hashes = reinterpret_cast<uint64_t*>(out.data);
  for (size_t i = 0; i < words.length; i++) hashes[i] = fx::HashU64(in[i]);
  return Result(env, static_cast<int64_t>(words.length));
}

}  // namespace

void RegisterHashBatch(Napi::Env env, Napi::Object exports) {
  exports.Set("hashPacked", Napi::Function::New(env, HashPacked));
  exports.Set("hashArray", Napi::Function::New(env, HashArray));
  exports.Set("hashWords", Napi::Function::New(env, HashWords));
}
