// Byte ring, C++ twin of ByteRingProducer / ByteRingConsumer (src/byte-producer.ts,
// src/byte-consumer.ts): 8-byte-aligned records [int32 length][int32 type][payload], and a
// padding record (type -1) filling the end of the ring when a record does not fit there.
#pragma once

#include <cstring>

#include "layout.h"
#include "wait.h"

namespace corelane::spsc {

class ByteProducer {
 public:
  ByteProducer(const Ring& ring, uint32_t publish_every)
      : ring_(ring),
        tail_(word(ring.base, offset::kTail).load(std::memory_order_relaxed)),
        head_cache_(word(ring.base, offset::kHead).load(std::memory_order_acquire)),
        publish_every_(publish_every == 0 ? 1 : publish_every) {}

  uint32_t max_record() const { return max_record_bytes(ring_.capacity); }

  // Reserves a record and returns where its payload goes, or nullptr when there is no room now
  // (or length is above max_record()). Visible to the consumer after commit().
  uint8_t* claim(uint32_t length, int32_t type) {
    if (length > max_record()) return nullptr;
    const uint32_t size = record_size(length);
    uint32_t at = tail_ & ring_.mask;
    const uint32_t to_end = ring_.capacity - at;
    const uint32_t needed = size > to_end ? to_end + size : size;
    if (ring_.capacity - (tail_ - head_cache_) < needed) {
      head_cache_ = word(ring_.base, offset::kHead).load(std::memory_order_acquire);
      if (ring_.capacity - (tail_ - head_cache_) < needed) {
        flush();
        return nullptr;
      }
    }
    if (needed != size) {
      write_header(at, to_end - kRecordHeaderBytes, kPaddingType);
      at = 0;
    }
    write_header(at, length, type);
    claimed_ = needed;
    return ring_.data() + at + kRecordHeaderBytes;
  }

  void commit() {
    tail_ += claimed_;
    claimed_ = 0;
    if (++pending_ >= publish_every_) flush();
  }

  void abort() { claimed_ = 0; }

  bool write(const uint8_t* bytes, uint32_t length, int32_t type) {
    uint8_t* to = claim(length, type);
    if (to == nullptr) return false;
    if (length != 0) std::memcpy(to, bytes, length);
    commit();
    return true;
  }

  // Publishes every committed record: a seq_cst tail store, then a wake only when the consumer
  // sleeps (P1-P3, wait.h).
  void flush() {
    if (pending_ == 0) return;
    pending_ = 0;
    word(ring_.base, offset::kTail).store(tail_, std::memory_order_seq_cst);  // P1
    wake_peer(ring_, true);                                                   // P2, P3
  }

  // True when a record of `length` payload bytes fits now, re-reading the consumer's head (S3).
  bool fits(uint32_t length) {
    const uint32_t size = record_size(length);
    const uint32_t to_end = ring_.capacity - (tail_ & ring_.mask);
    const uint32_t needed = size > to_end ? to_end + size : size;
    head_cache_ = word(ring_.base, offset::kHead).load(std::memory_order_seq_cst);
    return ring_.capacity - (tail_ - head_cache_) >= needed;
  }

 private:
  void write_header(uint32_t at, uint32_t length, int32_t type) {
    uint8_t* h = ring_.data() + at;
    std::memcpy(h, &length, 4);
    std::memcpy(h + 4, &type, 4);
  }

  Ring ring_;
  uint32_t tail_;
  uint32_t head_cache_;
  uint32_t publish_every_;
  uint32_t pending_ = 0;
  uint32_t claimed_ = 0;
};

class ByteConsumer {
 public:
  explicit ByteConsumer(const Ring& ring) : ring_(ring), head_(word(ring.base, offset::kHead).load()) {}

  // True when no record is ready, re-reading the producer's tail (seq_cst: S3).
  bool empty() const { return word(ring_.base, offset::kTail).load(std::memory_order_seq_cst) == head_; }

  // Calls fn(payload, length, type) for each ready record up to max; one head store. The payload
  // points into the ring and is valid only during the call.
  template <typename Fn>
  uint32_t read(Fn&& fn, uint32_t max) {
    const uint32_t tail = word(ring_.base, offset::kTail).load(std::memory_order_acquire);
    uint32_t head = head_;
    uint32_t done = 0;
    while (done < max && head != tail) {
      const uint32_t at = head & ring_.mask;
      const uint8_t* h = ring_.data() + at;
      uint32_t length;
      int32_t type;
      std::memcpy(&length, h, 4);
      std::memcpy(&type, h + 4, 4);
      if (type != kPaddingType && length > max_record_bytes(ring_.capacity)) break;
      const uint32_t next = head + (type == kPaddingType ? ring_.capacity - at : record_size(length));
      // A record ending past the tail is corrupt (not written by a producer of this ring): stop
      // there rather than walk garbage; the ring stays stuck at it, as the JS side reports it.
      if (static_cast<int32_t>(tail - next) < 0) break;
      head = next;
      if (type == kPaddingType) continue;
      ++done;
      fn(h + kRecordHeaderBytes, length, type);
    }
    if (head != head_) {
      head_ = head;
      word(ring_.base, offset::kHead).store(head, std::memory_order_seq_cst);  // P1
      wake_peer(ring_, false);                                                // P2, P3
    }
    return done;
  }

 private:
  Ring ring_;
  uint32_t head_;
};

}  // namespace corelane::spsc
