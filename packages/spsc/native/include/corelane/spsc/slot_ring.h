// Slot ring, C++ twin of RingProducer / RingConsumer (src/ring-producer.ts, src/ring-consumer.ts).
// Each side caches the other's index and re-reads it only when the cache says full / empty; the
// own index is published once per publish_every items, never per item: a seq_cst store (P1 of the
// sleep protocol, wait.h), then one load of the peer's sleeping word (P2), and a wake only when
// the peer sleeps (P3).
#pragma once

#include <cstring>

#include "layout.h"
#include "wait.h"

namespace corelane::spsc {

template <typename T>
class SlotProducer {
 public:
  SlotProducer(const Ring& ring, uint32_t publish_every)
      : ring_(ring),
        data_(reinterpret_cast<T*>(ring.data())),
        tail_(word(ring.base, offset::kTail).load(std::memory_order_relaxed)),
        head_cache_(word(ring.base, offset::kHead).load(std::memory_order_acquire)),
        publish_every_(publish_every == 0 ? 1 : publish_every) {}

  // Appends one value; false when the ring is full (pending values are published first).
  bool push(T value) {
    if (tail_ - head_cache_ == ring_.capacity) {
      head_cache_ = word(ring_.base, offset::kHead).load(std::memory_order_acquire);
      if (tail_ - head_cache_ == ring_.capacity) {
        flush();
        return false;
      }
    }
    data_[tail_ & ring_.mask] = value;
    ++tail_;
    if (++pending_ >= publish_every_) flush();
    return true;
  }

  // Appends up to n values, publishes once; returns how many.
  uint32_t push_many(const T* src, uint32_t n) {
    uint32_t free = ring_.capacity - (tail_ - head_cache_);
    if (free < n) {
      head_cache_ = word(ring_.base, offset::kHead).load(std::memory_order_acquire);
      free = ring_.capacity - (tail_ - head_cache_);
    }
    const uint32_t count = n < free ? n : free;
    const uint32_t at = tail_ & ring_.mask;
    const uint32_t first = count < ring_.capacity - at ? count : ring_.capacity - at;
    std::memcpy(data_ + at, src, size_t{first} * sizeof(T));
    std::memcpy(data_, src + first, size_t{count - first} * sizeof(T));
    tail_ += count;
    pending_ += count;
    flush();
    return count;
  }

  void flush() {
    if (pending_ == 0) return;
    pending_ = 0;
    word(ring_.base, offset::kTail).store(tail_, std::memory_order_seq_cst);  // P1
    wake_peer(ring_, true);                                                   // P2, P3
  }

  // True when the ring has no free slot, re-reading the consumer's head (seq_cst: S3).
  bool full() {
    head_cache_ = word(ring_.base, offset::kHead).load(std::memory_order_seq_cst);
    return tail_ - head_cache_ == ring_.capacity;
  }

 private:
  Ring ring_;
  T* data_;
  uint32_t tail_;
  uint32_t head_cache_;
  uint32_t publish_every_;
  uint32_t pending_ = 0;
};

template <typename T>
class SlotConsumer {
 public:
  SlotConsumer(const Ring& ring, uint32_t publish_every)
      : ring_(ring),
        data_(reinterpret_cast<const T*>(ring.data())),
        head_(word(ring.base, offset::kHead).load(std::memory_order_relaxed)),
        tail_cache_(word(ring.base, offset::kTail).load(std::memory_order_acquire)),
        publish_every_(publish_every == 0 ? 1 : publish_every) {}

  // Takes one value; false when the ring is empty (read slots are handed back first).
  bool pop(T& out) {
    if (head_ == tail_cache_) {
      tail_cache_ = word(ring_.base, offset::kTail).load(std::memory_order_acquire);
      if (head_ == tail_cache_) {
        flush();
        return false;
      }
    }
    out = data_[head_ & ring_.mask];
    ++head_;
    if (++pending_ >= publish_every_) flush();
    return true;
  }

  // Calls fn(value) for each ready value up to max; one head store. Returns how many.
  template <typename Fn>
  uint32_t drain(Fn&& fn, uint32_t max) {
    tail_cache_ = word(ring_.base, offset::kTail).load(std::memory_order_acquire);
    uint32_t n = tail_cache_ - head_;
    if (n > max) n = max;
    for (uint32_t i = 0; i < n; ++i) fn(data_[(head_ + i) & ring_.mask]);
    head_ += n;
    pending_ += n;
    flush();
    return n;
  }

  void flush() {
    if (pending_ == 0) return;
    pending_ = 0;
    word(ring_.base, offset::kHead).store(head_, std::memory_order_seq_cst);  // P1
    wake_peer(ring_, false);                                                  // P2, P3
  }

  // True when no value is ready, re-reading the producer's tail (seq_cst: S3).
  bool empty() {
    tail_cache_ = word(ring_.base, offset::kTail).load(std::memory_order_seq_cst);
    return head_ == tail_cache_;
  }

 private:
  Ring ring_;
  const T* data_;
  uint32_t head_;
  uint32_t tail_cache_;
  uint32_t publish_every_;
  uint32_t pending_ = 0;
};

}  // namespace corelane::spsc
