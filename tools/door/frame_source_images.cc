// Still images played as frames: a directory (sorted by name), an @list file (one path per
// line, relative to the list, '#' comments), or a comma list.
// A file that does not decode is a kBadFrame (reported, skipped); the list itself must exist.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <vector>

#include "tools/door/frame_source.h"

namespace fg::door {
namespace {

bool has_image_extension(const std::string& name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos) return false;
  std::string ext = name.substr(dot + 1);
  for (char& c : ext) c = (char)std::tolower((unsigned char)c);
  for (const char* e : {"png", "jpg", "jpeg", "pgm", "ppm"})
    if (ext == e) return true;
  return false;
}

Status list_directory(const std::string& dir, std::vector<std::string>* paths) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return Status::error(dir + ": cannot open directory");
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name[0] != '.' && has_image_extension(name)) paths->push_back(dir + "/" + name);
  }
  ::closedir(d);
  std::sort(paths->begin(), paths->end());
  if (paths->empty()) return Status::error(dir + ": no image files (png/jpg/jpeg/pgm/ppm)");
  return Status::ok();
}

Status read_list_file(const std::string& list, std::vector<std::string>* paths) {
  std::ifstream in(list);
  if (!in) return Status::error(list + ": cannot open frame list");
  const std::string base = list.find('/') == std::string::npos ? "." : list.substr(0, list.rfind('/'));
  std::string line;
  while (std::getline(in, line)) {
    // A comment starts at '#' at the line start or after a blank (file names may hold '#').
    for (size_t i = 0; i < line.size(); ++i)
      if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
        line.resize(i);
        break;
      }
    while (!line.empty() && std::isspace((unsigned char)line.back())) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    paths->push_back(line[0] == '/' ? line : base + "/" + line);  // relative to the list file
  }
  if (paths->empty()) return Status::error(list + ": frame list is empty");
  return Status::ok();
}

std::string base_name(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

class ImageListSource : public FrameSource {
 public:
  explicit ImageListSource(std::vector<std::string> paths) : paths_(std::move(paths)) {}

  FrameResult next(Image* frame, std::string* label, std::string* error) override {
    if (index_ >= paths_.size()) return FrameResult::kEnd;
    const std::string& path = paths_[index_++];
    *label = base_name(path);
    Status s = image_load(path, 3, frame);
    if (!s) {
      *error = s.message();
      return FrameResult::kBadFrame;
    }
    return FrameResult::kFrame;
  }

  bool rewind() override {
    index_ = 0;
    return true;
  }

  std::string describe() const override { return "images (" + std::to_string(paths_.size()) + " files)"; }

 private:
  std::vector<std::string> paths_;
  size_t index_ = 0;
};

}  // namespace

Status image_list_source_open(const std::string& spec, std::unique_ptr<FrameSource>* out) {
  std::vector<std::string> paths;
  struct stat st;
  if (!spec.empty() && spec[0] == '@') {
    FG_RETURN_IF_ERROR(read_list_file(spec.substr(1), &paths));
  } else if (::stat(spec.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    FG_RETURN_IF_ERROR(list_directory(spec, &paths));
  } else {
    size_t pos = 0;
    while (pos <= spec.size()) {
      size_t comma = spec.find(',', pos);
      if (comma == std::string::npos) comma = spec.size();
      if (comma > pos) paths.push_back(spec.substr(pos, comma - pos));
      pos = comma + 1;
    }
    if (paths.empty()) return Status::error("empty frame source");
    // Only the first must exist up front (a typo'd source should fail at start, not per frame).
    if (::stat(paths[0].c_str(), &st) != 0) return Status::error(paths[0] + ": no such file or directory");
  }
  *out = std::make_unique<ImageListSource>(std::move(paths));
  return Status::ok();
}

Status frame_source_open(const std::string& spec, const volatile std::sig_atomic_t* stop,
                         std::unique_ptr<FrameSource>* out) {
  auto ends_with = [&](const char* suffix) {
    const size_t n = std::char_traits<char>::length(suffix);
    return spec.size() >= n && spec.compare(spec.size() - n, n, suffix) == 0;
  };
  if (spec == "-" || ends_with(".y4m") || ends_with(".Y4M")) return y4m_source_open(spec, stop, out);
  if (spec.compare(0, 10, "/dev/video") == 0) return v4l2_source_open(spec, stop, out);
  return image_list_source_open(spec, out);
}

}  // namespace fg::door
