// A small g++ fuzz driver for libFuzzer-style harnesses (LLVMFuzzerTestOneInput): Debian 12's clang
// cannot compile libstdc++ 12's <expected>, so neither libFuzzer nor clang-built AFL++ is an option here.
// It replays the seed corpus, then runs random mutations of it (bit and byte flips, inserts, deletes,
// splices, dictionary tokens) until the time is up. Built with ASan+UBSan it finds what they see; it also
// fails on a slow input (--timeout-s), one huge allocation (--malloc-limit-mb) and a leak found by LSan.
// The input that failed is written to a file that the output names; pass that file to replay it.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// The sanitizer runtimes' hooks; weak, so the same driver links without sanitizers (then they are null).
extern "C" {
__attribute__((weak)) void __sanitizer_set_death_callback(void (*callback)(void));
__attribute__((weak)) int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, size_t),
                                                                     void (*free_hook)(const volatile void*));
__attribute__((weak)) int __lsan_do_recoverable_leak_check();
}

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    double seconds = 0;          // of mutations after the replay; 0: replay only
    uint64_t seed = 0;           // 0: from the clock
    size_t max_len = 4096;       // bytes, for mutated inputs
    int timeout_s = 20;          // per input
    size_t malloc_limit_mb = 2048;  // one allocation above this fails, as libFuzzer's -malloc_limit_mb
    fs::path artifacts = ".";    // where a failing input is written
    fs::path dict;
    std::vector<fs::path> inputs;  // files and folders
};

// What the failure handlers need; they run in signal, death-callback or watchdog context, so they only
// read these and call write(2).
const uint8_t* current_data = nullptr;
size_t current_size = 0;
std::atomic<bool> in_input{false};
std::atomic<int64_t> input_started_ms{0};
std::atomic<uint64_t> mallocs{0}, frees{0};
size_t malloc_limit_bytes = 0;
char artifacts_dir[1024] = ".";

void say(const char* text) { (void)!::write(2, text, std::strlen(text)); }

uint64_t fnv1a(const uint8_t* data, size_t size) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ull;
    return h;
}

// Writes the current input to ARTIFACTS/KIND-HASH and says where; async-signal-safe.
void save_current_input(const char* kind) {
    if (!current_data && current_size) return;
    char path[1200];
    std::snprintf(path, sizeof path, "%s/%s-%016llx", artifacts_dir, kind,
                  static_cast<unsigned long long>(fnv1a(current_data, current_size)));
    int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return say("fuzz: cannot write the failing input\n");
    (void)!::write(fd, current_data, current_size);
    ::close(fd);
    char line[1400];
    std::snprintf(line, sizeof line, "fuzz: FAILED (%s); the input (%zu bytes) is in %s\n", kind, current_size, path);
    say(line);
}

void on_sanitizer_death() {
    if (in_input) save_current_input("crash");
}

void on_fatal_signal(int sig) {
    if (in_input) save_current_input("crash");
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

void on_malloc(const volatile void*, size_t size) {
    if (!in_input) return;
    mallocs.fetch_add(1, std::memory_order_relaxed);
    if (malloc_limit_bytes && size > malloc_limit_bytes) {
        in_input = false;  // no recursion through the hook
        char line[200];
        std::snprintf(line, sizeof line, "fuzz: one allocation of %zu bytes, above --malloc-limit-mb\n", size);
        say(line);
        save_current_input("oom");
        ::_exit(1);
    }
}

void on_free(const volatile void* p) {
    if (in_input && p) frees.fetch_add(1, std::memory_order_relaxed);
}

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

// A slow input fails the run: the watchdog saves it and ends the process.
void watchdog(int timeout_s) {
    while (true) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        int64_t started = input_started_ms.load();
        if (in_input && started && now_ms() - started > timeout_s * 1000LL) {
            say("fuzz: an input ran longer than --timeout-s\n");
            save_current_input("timeout");
            ::_exit(1);
        }
    }
}

void install_failure_handlers(const Options& options) {
    std::snprintf(artifacts_dir, sizeof artifacts_dir, "%s", options.artifacts.c_str());
    malloc_limit_bytes = options.malloc_limit_mb << 20;
    if (__sanitizer_set_death_callback) {
        __sanitizer_set_death_callback(on_sanitizer_death);
    } else {
        for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::signal(sig, on_fatal_signal);
    }
    if (__sanitizer_install_malloc_and_free_hooks) __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
    std::thread(watchdog, options.timeout_s).detach();
}

// Runs one input from an exact-size heap copy, so a one-byte over-read is an ASan finding.
// Returns false when the input leaked (then it has been saved).
bool run_one(const Bytes& input, size_t& leak_checks) {
    auto copy = std::make_unique<uint8_t[]>(std::max<size_t>(input.size(), 1));
    std::copy(input.begin(), input.end(), copy.get());
    current_data = copy.get();
    current_size = input.size();
    mallocs = 0;
    frees = 0;
    input_started_ms = now_ms();
    in_input = true;
    LLVMFuzzerTestOneInput(copy.get(), input.size());
    in_input = false;
    bool leaked = false;
    // As libFuzzer: more mallocs than frees during the input is worth a (slow) LSan pass.
    if (__lsan_do_recoverable_leak_check && mallocs.load() > frees.load()) {
        ++leak_checks;
        if (__lsan_do_recoverable_leak_check() != 0) {
            in_input = true;  // so that the name says which input
            say("fuzz: LeakSanitizer found a leak after this input\n");
            save_current_input("leak");
            in_input = false;
            leaked = true;
        }
    }
    current_data = nullptr;
    current_size = 0;
    return !leaked;
}

Bytes read_bytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

std::vector<Bytes> read_inputs(const std::vector<fs::path>& paths) {
    std::vector<Bytes> out;
    for (const auto& p : paths) {
        if (fs::is_directory(p)) {
            std::vector<fs::path> files;
            for (const auto& e : fs::directory_iterator(p))
                if (e.is_regular_file()) files.push_back(e.path());
            std::ranges::sort(files);
            for (const auto& f : files) out.push_back(read_bytes(f));
        } else if (fs::is_regular_file(p)) {
            out.push_back(read_bytes(p));
        } else {
            throw std::runtime_error("no such corpus file or folder: " + p.string());
        }
    }
    return out;
}

// AFL/libFuzzer dictionary lines: name="value" or "value", with \\, \" and \xNN escapes; # comments.
std::vector<Bytes> read_dictionary(const fs::path& file) {
    std::vector<Bytes> out;
    if (file.empty()) return out;
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read the dictionary " + file.string());
    std::string line;
    while (std::getline(in, line)) {
        size_t open = line.find('"'), close = line.rfind('"');
        if (line.starts_with('#') || open == std::string::npos || close <= open) continue;
        Bytes token;
        for (size_t i = open + 1; i < close; ++i) {
            if (line[i] == '\\' && i + 1 < close && line[i + 1] == 'x' && i + 3 < close) {
                token.push_back(static_cast<uint8_t>(std::stoi(line.substr(i + 2, 2), nullptr, 16)));
                i += 3;
            } else if (line[i] == '\\' && i + 1 < close) {
                token.push_back(static_cast<uint8_t>(line[++i]));
            } else {
                token.push_back(static_cast<uint8_t>(line[i]));
            }
        }
        if (!token.empty()) out.push_back(std::move(token));
    }
    return out;
}

class Mutator {
public:
    Mutator(uint64_t seed, const std::vector<Bytes>& corpus, const std::vector<Bytes>& dict, size_t max_len)
        : rng_(seed), corpus_(corpus), dict_(dict), max_len_(max_len) {}

    Bytes next() {
        Bytes b = corpus_.empty() ? Bytes{} : corpus_[below(corpus_.size())];
        int rounds = 1 + static_cast<int>(below(8));
        for (int i = 0; i < rounds; ++i) mutate(b);
        if (b.size() > max_len_) b.resize(max_len_);
        return b;
    }

private:
    size_t below(size_t n) { return n ? std::uniform_int_distribution<size_t>(0, n - 1)(rng_) : 0; }
    uint8_t any_byte() { return static_cast<uint8_t>(below(256)); }

    void mutate(Bytes& b) {
        static constexpr uint8_t interesting[] = {0x00, 0x01, 0x7f, 0x80, 0xff, '%', '&', '=', '"', '\\', '\n'};
        size_t at = below(b.size() + 1);
        switch (below(dict_.empty() ? 9 : 11)) {
        case 0: if (!b.empty()) b[below(b.size())] ^= static_cast<uint8_t>(1u << below(8)); break;
        case 1: if (!b.empty()) b[below(b.size())] = any_byte(); break;
        case 2: if (!b.empty()) b[below(b.size())] = interesting[below(sizeof interesting)]; break;
        case 3: b.insert(b.begin() + static_cast<ptrdiff_t>(at), 1 + below(8), any_byte()); break;
        case 4: {  // delete a range
            if (b.empty()) break;
            size_t from = below(b.size()), n = 1 + below(std::min<size_t>(16, b.size() - from));
            b.erase(b.begin() + static_cast<ptrdiff_t>(from), b.begin() + static_cast<ptrdiff_t>(from + n));
            break;
        }
        case 5: {  // duplicate a range
            if (b.empty()) break;
            size_t from = below(b.size()), n = 1 + below(std::min<size_t>(64, b.size() - from));
            Bytes part(b.begin() + static_cast<ptrdiff_t>(from), b.begin() + static_cast<ptrdiff_t>(from + n));
            b.insert(b.begin() + static_cast<ptrdiff_t>(at), part.begin(), part.end());
            break;
        }
        case 6: {  // splice: our head, another input's tail
            if (corpus_.empty()) break;
            const Bytes& other = corpus_[below(corpus_.size())];
            size_t cut = below(other.size() + 1);
            b.resize(at);
            b.insert(b.end(), other.begin() + static_cast<ptrdiff_t>(cut), other.end());
            break;
        }
        case 7: if (!b.empty()) b.resize(below(b.size())); break;  // truncate
        case 8: {  // add or subtract a little from one byte (lengths, sizes)
            if (b.empty()) break;
            b[below(b.size())] += static_cast<uint8_t>(below(35)) - 17;
            break;
        }
        case 9: {  // insert a dictionary token
            const Bytes& t = dict_[below(dict_.size())];
            b.insert(b.begin() + static_cast<ptrdiff_t>(at), t.begin(), t.end());
            break;
        }
        default: {  // overwrite with a dictionary token
            const Bytes& t = dict_[below(dict_.size())];
            if (b.size() < t.size()) break;
            std::copy(t.begin(), t.end(), b.begin() + static_cast<ptrdiff_t>(below(b.size() - t.size() + 1)));
            break;
        }
        }
    }

    std::mt19937_64 rng_;
    const std::vector<Bytes>& corpus_;
    const std::vector<Bytes>& dict_;
    size_t max_len_;
};

const char* usage =
    "usage: fuzz_NAME [--seconds S] [--seed N] [--max-len BYTES] [--timeout-s S] [--malloc-limit-mb MB]\n"
    "                 [--dict FILE] [--artifacts DIR] CORPUS_DIR_OR_FILE...\n"
    "Replays every input, then mutates them for S seconds (default 0: replay only).\n";

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
            return argv[++i];
        };
        if (a == "--seconds") o.seconds = std::stod(value());
        else if (a == "--seed") o.seed = std::stoull(value());
        else if (a == "--max-len") o.max_len = std::stoul(value());
        else if (a == "--timeout-s") o.timeout_s = std::stoi(value());
        else if (a == "--malloc-limit-mb") o.malloc_limit_mb = std::stoul(value());
        else if (a == "--dict") o.dict = value();
        else if (a == "--artifacts") o.artifacts = value();
        else if (a.starts_with("-")) throw std::runtime_error("unknown option " + a);
        else o.inputs.emplace_back(a);
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    std::vector<Bytes> corpus, dict;
    try {
        options = parse_options(argc, argv);
        corpus = read_inputs(options.inputs);
        dict = read_dictionary(options.dict);
        fs::create_directories(options.artifacts);
    } catch (const std::exception& e) {
        std::cerr << "fuzz: " << e.what() << "\n" << usage;
        return 2;
    }
    if (options.seed == 0) options.seed = static_cast<uint64_t>(Clock::now().time_since_epoch().count());
    std::string name = fs::path(argv[0]).filename().string();
    install_failure_handlers(options);

    auto started = Clock::now();
    size_t leak_checks = 0, replayed = 0, mutated = 0;
    for (const Bytes& input : corpus) {
        if (!run_one(input, leak_checks)) return 1;
        ++replayed;
    }
    Mutator mutator(options.seed, corpus, dict, options.max_len);
    auto deadline = started + std::chrono::duration<double>(options.seconds);
    for (; Clock::now() < deadline; ++mutated)
        if (!run_one(mutator.next(), leak_checks)) return 1;
    double took = std::chrono::duration<double>(Clock::now() - started).count();
    std::printf("fuzz: %s ran %zu inputs (%zu from the corpus, %zu mutated; seed %llu) in %.1f s, "
                "%zu leak checks: no crash, no leak, no timeout\n",
                name.c_str(), replayed + mutated, replayed, mutated, static_cast<unsigned long long>(options.seed),
                took, leak_checks);
    return 0;
}
