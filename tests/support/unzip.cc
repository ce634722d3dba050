#include "support/unzip.h"

#include <gtest/gtest.h>
#include <zip.h>

namespace nm {

std::map<std::string, std::string> UnzipBytes(const std::string& bytes, std::vector<std::string>* order) {
  std::map<std::string, std::string> out;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* za = src ? zip_open_from_source(src, ZIP_RDONLY, &error) : nullptr;
  if (!za) {
    ADD_FAILURE() << "not a ZIP: " << zip_error_strerror(&error);
    if (src) zip_source_free(src);
    zip_error_fini(&error);
    return out;
  }
  for (zip_int64_t i = 0; i < zip_get_num_entries(za, 0); ++i) {
    zip_stat_t st;
    zip_stat_index(za, static_cast<zip_uint64_t>(i), 0, &st);
    zip_file_t* f = zip_fopen_index(za, static_cast<zip_uint64_t>(i), 0);
    std::string data(st.size, '\0');
    if (!f || zip_fread(f, data.data(), st.size) != static_cast<zip_int64_t>(st.size)) {
      ADD_FAILURE() << "cannot read " << st.name << " from the ZIP";
    }
    if (f) zip_fclose(f);
    out[st.name] = data;
    if (order) order->push_back(st.name);
  }
  zip_close(za);
  zip_error_fini(&error);
  return out;
}

}  // namespace nm
