// Removes every element equal to `value` from a small vector (erase-remove, order kept).
#pragma once

#include <algorithm>
#include <vector>

namespace sb {

template <typename T>
void erase_value(std::vector<T>& v, const T& value) {
  v.erase(std::remove(v.begin(), v.end(), value), v.end());
}

}  // namespace sb
