#include "nn/checkpoint.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace atto {

namespace {

constexpr char kMagic[8] = {'A', 'T', 'T', 'O', 'C', 'K', 'P', 'T'};

std::uint64_t fnv1a(const char* data, size_t size) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

template <class T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

// Reads a file's bytes with bounds-checked typed access.
class Reader {
 public:
  Reader(const std::string& path, const std::string& bytes) : path_(path), bytes_(bytes) {}

  template <class T>
  T get(const char* what) {
    T value;
    std::memcpy(&value, take(sizeof(T), what), sizeof(T));
    return value;
  }
  const char* take(size_t size, const char* what) {
    if (size > bytes_.size() - position_) fail(fmt::format("truncated while reading {}", what));
    const char* at = bytes_.data() + position_;
    position_ += size;
    return at;
  }
  size_t position() const { return position_; }
  [[noreturn]] void fail(const std::string& why) const {
    throw CheckpointError(fmt::format("load_checkpoint: '{}': {}", path_, why));
  }

 private:
  const std::string& path_;
  const std::string& bytes_;
  size_t position_ = 0;
};

std::map<std::string, Tensor> parse(const std::string& path, const std::string& bytes) {
  Reader in(path, bytes);
  if (bytes.size() < sizeof(kMagic) || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    in.fail("not an attograd checkpoint (bad magic)");
  }
  in.take(sizeof(kMagic), "magic");
  const auto version = in.get<std::uint32_t>("version");
  if (version != kCheckpointVersion) {
    in.fail(fmt::format("format version {}, but this build reads version {}", version, kCheckpointVersion));
  }
  if (bytes.size() < sizeof(std::uint64_t) + 8 + 4) in.fail("truncated");
  const size_t body = bytes.size() - sizeof(std::uint64_t);
  std::uint64_t stored;
  std::memcpy(&stored, bytes.data() + body, sizeof(stored));
  if (stored != fnv1a(bytes.data(), body)) in.fail("checksum mismatch: the file is corrupt or truncated");

  const auto element_bytes = in.get<std::uint8_t>("element size");
  if (element_bytes != 4 && element_bytes != 8) in.fail(fmt::format("element size {} is not 4 or 8", element_bytes));
  const auto count = in.get<std::uint32_t>("entry count");
  std::map<std::string, Tensor> entries;
  for (std::uint32_t e = 0; e < count; ++e) {
    const auto name_length = in.get<std::uint32_t>("name length");
    const std::string name(in.take(name_length, "name"), name_length);
    const auto rank = in.get<std::uint32_t>("rank");
    if (rank > static_cast<std::uint32_t>(kMaxRank)) in.fail(fmt::format("'{}' has rank {}", name, rank));
    Shape shape;
    double elements = 1;  // counted in double: dimensions read from a bad file can overflow any integer
    for (std::uint32_t d = 0; d < rank; ++d) {
      const auto dim = in.get<std::int64_t>("dimension");
      if (dim < 0 || dim > static_cast<std::int64_t>(bytes.size()))
        in.fail(fmt::format("'{}' has dimension {}", name, dim));
      shape.push_back(dim);
      elements *= static_cast<double>(dim);
    }
    if (elements * element_bytes > static_cast<double>(bytes.size())) {
      in.fail(fmt::format("'{}' of shape {} is larger than the file", name, shape));
    }
    Tensor t = Tensor::empty(shape);
    Real* out = t.data();
    const char* raw = in.take(static_cast<size_t>(shape.numel()) * element_bytes, "elements");
    for (Index i = 0; i < shape.numel(); ++i) {
      if (element_bytes == 4) {
        float v;
        std::memcpy(&v, raw + i * 4, 4);
        out[i] = static_cast<Real>(v);
      } else {
        double v;
        std::memcpy(&v, raw + i * 8, 8);
        out[i] = static_cast<Real>(v);
        // A double beyond this build's range would silently become inf.
        if (std::isfinite(v) && !std::isfinite(out[i])) {
          in.fail(fmt::format("'{}' holds {} at position {}, beyond the range of this build's numbers", name, v, i));
        }
      }
    }
    if (!entries.emplace(name, t).second) in.fail(fmt::format("'{}' appears twice", name));
  }
  if (in.position() > body) in.fail("truncated: the entries run into the checksum");
  if (in.position() < body) in.fail(fmt::format("{} unexpected bytes before the checksum", body - in.position()));
  return entries;
}

// What a model (and optimizer) hold, by checkpoint name.
// (Parameters are handles: writing through them writes into the model.)
std::vector<std::pair<std::string, Tensor*>> targets(const Module& model, Optimizer* optimizer, Tensor& steps) {
  std::vector<std::pair<std::string, Tensor*>> out;
  for (auto& [name, parameter] : model.named_parameters()) out.emplace_back("param/" + name, &parameter.mutable_value());
  if (optimizer) {
    for (auto& [name, tensor] : optimizer->state()) out.emplace_back("optim/" + name, tensor);
    out.emplace_back("optim/steps", &steps);
  }
  return out;
}

[[noreturn]] void throw_io(const char* op, const std::string& what, const std::string& path, int error) {
  throw CheckpointError(fmt::format("{}: {} '{}': {}", op, what, path, std::strerror(error)));
}

// A save's temporary is `<path>.tmp.<pid>.<random>`. One left by a saver
// that was killed mid-write is removed by the next save to the same path,
// once its process is gone; one whose process still runs may be another save
// in progress and is left alone.
void remove_stale_temporaries(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const std::string prefix = target.filename().string() + ".tmp.";
  const fs::path directory = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const std::string rest = name.substr(prefix.size());
    const std::size_t dot = rest.find('.');
    if (dot == 0 || dot == std::string::npos || rest.find_first_not_of("0123456789") != dot || dot > 9) continue;
    const pid_t owner = static_cast<pid_t>(std::stol(rest.substr(0, dot)));
    if (::kill(owner, 0) != 0 && errno == ESRCH) fs::remove(entry.path(), error);
  }
}

// Writes `bytes` to a fresh temporary file beside `path` (a unique name per
// save, so two savers never share one), flushes it to the disk, renames it
// onto `path`, and flushes the directory, so that after a crash or a power
// loss `path` holds either the old checkpoint or the new one, whole.
void write_atomically(const std::string& path, const std::string& bytes) {
  remove_stale_temporaries(path);
  // mkstemp's template: it fills in the X's.
  std::string temporary = fmt::format("{}.tmp.{}.XXXXXX", path, ::getpid());
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) throw_io("save_checkpoint", "cannot create a temporary file beside", path, errno);
  std::size_t written = 0;
  int error = 0;
  while (written < bytes.size() && error == 0) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno != EINTR) error = errno;
    if (n > 0) written += static_cast<std::size_t>(n);
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && std::rename(temporary.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temporary.c_str());
    throw_io("save_checkpoint", "cannot write", path, error);
  }
  const std::string directory = std::filesystem::path(path).parent_path().string();
  const int dir = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace

void save_checkpoint(const std::string& path, const Module& model, Optimizer* optimizer) {
  Tensor steps = scalar(optimizer ? static_cast<Real>(optimizer->steps()) : Real(0));
  const auto entries = targets(model, optimizer, steps);
  std::string bytes(kMagic, sizeof(kMagic));
  put(bytes, kCheckpointVersion);
  put(bytes, static_cast<std::uint8_t>(sizeof(Real)));
  put(bytes, static_cast<std::uint32_t>(entries.size()));
  for (const auto& [name, tensor] : entries) {
    put(bytes, static_cast<std::uint32_t>(name.size()));
    bytes += name;
    put(bytes, static_cast<std::uint32_t>(tensor->rank()));
    for (Index d : tensor->shape()) put(bytes, static_cast<std::int64_t>(d));
    bytes.append(reinterpret_cast<const char*>(tensor->data()), sizeof(Real) * tensor->numel());
  }
  put(bytes, fnv1a(bytes.data(), bytes.size()));

  write_atomically(path, bytes);
}

void load_checkpoint(const std::string& path, Module& model, Optimizer* optimizer) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw_io("load_checkpoint", "cannot open", path, errno);
  // Only a regular file: reading /dev/zero or a FIFO would never end, and a
  // directory is not a checkpoint.
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw CheckpointError(fmt::format("load_checkpoint: '{}' is not a regular file", path));
  }
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const std::map<std::string, Tensor> entries = parse(path, bytes);

  Tensor steps = scalar(0);
  const auto wanted = targets(model, optimizer, steps);
  // Check everything first; only then copy, so a mismatch changes nothing.
  std::set<std::string> wanted_names;
  for (const auto& [name, tensor] : wanted) {
    wanted_names.insert(name);
    const auto found = entries.find(name);
    if (found == entries.end()) {
      throw CheckpointError(fmt::format("load_checkpoint: '{}' has no '{}'", path, name));
    }
    if (!(found->second.shape() == tensor->shape())) {
      throw CheckpointError(fmt::format("load_checkpoint: '{}': '{}' is {} in the file but {} in the model", path,
                                        name, found->second.shape(), tensor->shape()));
    }
  }
  if (optimizer) {
    const Real stored_steps = entries.at("optim/steps").item();
    if (!(stored_steps >= 0 && stored_steps <= Real(1 << 30) && stored_steps == std::floor(stored_steps))) {
      throw CheckpointError(fmt::format("load_checkpoint: '{}': optim/steps is {}, not a step count", path, stored_steps));
    }
  }
  // Optimizer state may be left unread (loading a model alone); anything else
  // unknown means the file is not this model's.
  for (const auto& [name, _] : entries) {
    const bool skippable = !optimizer && name.starts_with("optim/");
    if (!skippable && !wanted_names.contains(name)) {
      const char* owner = name.starts_with("optim/") ? "the optimizer" : "the model";
      throw CheckpointError(fmt::format("load_checkpoint: '{}' holds '{}', which {} does not have", path, name, owner));
    }
  }
  for (const auto& [name, tensor] : wanted) {
    const Tensor& source = entries.at(name);
    std::copy_n(source.data(), source.numel(), tensor->data());
  }
  if (optimizer) optimizer->set_steps(static_cast<Index>(steps.item()));
}

}  // namespace atto
