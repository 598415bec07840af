#include "parse/go_buildinfo.hpp"

#include <array>
#include <vector>

namespace kubeproof::parse {

namespace {

// Bounds on what one lookup reads: ELF files name far fewer sections than this, and section
// name tables are small; a file that claims more is refused rather than read.
constexpr uint64_t k_max_sections = 4096;
constexpr uint64_t k_max_name_table = 1U << 20U;

constexpr std::string_view k_buildinfo_magic("\xff Go buildinf:", 14);

struct Elf {
    bool is64 = false;
    bool little = true;
};

uint64_t unsigned_at(std::string_view bytes, std::size_t at, std::size_t width, bool little) {
    uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) {
        const auto byte = static_cast<uint8_t>(bytes[at + (little ? width - 1 - i : i)]);
        value = (value << 8U) | byte;
    }
    return value;
}

// One section header: name offset, file offset and size (sh_name, sh_offset, sh_size).
struct Header {
    uint64_t name = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
};

Header header_at(std::string_view table, std::size_t at, const Elf& elf) {
    if (elf.is64)
        return {unsigned_at(table, at, 4, elf.little), unsigned_at(table, at + 24, 8, elf.little),
                unsigned_at(table, at + 32, 8, elf.little)};
    return {unsigned_at(table, at, 4, elf.little), unsigned_at(table, at + 16, 4, elf.little),
            unsigned_at(table, at + 20, 4, elf.little)};
}

// Reads exactly `length` bytes at `offset`, or says why not.
std::optional<std::string> read_exact(const ByteReader& read, uint64_t offset, uint64_t length,
                                      std::string_view what, std::string& error) {
    auto bytes = read(offset, static_cast<std::size_t>(length));
    if (!bytes) {
        error = "cannot read the " + std::string(what);
        return std::nullopt;
    }
    if (bytes->size() != length) {
        error = "the file ends inside the " + std::string(what);
        return std::nullopt;
    }
    return bytes;
}

template <class T>
std::optional<T> fail(std::string& error, std::string message) {
    error = std::move(message);
    return std::nullopt;
}

// A Go varint (unsigned LEB128) at `pos`; advances `pos`. nullopt when truncated or too long.
std::optional<uint64_t> uvarint(std::string_view bytes, std::size_t& pos) {
    uint64_t value = 0;
    for (unsigned shift = 0; shift < 64 && pos < bytes.size(); shift += 7) {
        const auto byte = static_cast<uint8_t>(bytes[pos++]);
        value |= static_cast<uint64_t>(byte & 0x7fU) << shift;
        if ((byte & 0x80U) == 0) return value;
    }
    return std::nullopt;
}

std::optional<std::string> varint_string(std::string_view bytes, std::size_t& pos) {
    auto length = uvarint(bytes, pos);
    if (!length || *length > bytes.size() - pos) return std::nullopt;
    std::string out(bytes.substr(pos, static_cast<std::size_t>(*length)));
    pos += static_cast<std::size_t>(*length);
    return out;
}

std::vector<std::string_view> split(std::string_view text, char on) {
    std::vector<std::string_view> out;
    while (true) {
        const auto at = text.find(on);
        out.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return out;
        text.remove_prefix(at + 1);
    }
}

}  // namespace

std::optional<ElfSection> find_elf_section(const ByteReader& read, std::string_view name,
                                           std::string& error) {
    auto ident = read(0, 64);
    if (!ident) return fail<ElfSection>(error, "cannot read the ELF header");
    if (ident->size() < 16 || !ident->starts_with("\x7f"
                                                  "ELF"))
        return fail<ElfSection>(error, "not an ELF file");
    Elf elf;
    const auto cls = static_cast<uint8_t>((*ident)[4]);
    const auto data = static_cast<uint8_t>((*ident)[5]);
    if ((cls != 1 && cls != 2) || (data != 1 && data != 2))
        return fail<ElfSection>(error, "an ELF file of an unknown class or byte order");
    elf.is64 = cls == 2;
    elf.little = data == 1;
    const std::size_t header_size = elf.is64 ? 64 : 52;
    if (ident->size() < header_size)
        return fail<ElfSection>(error, "the file ends inside the ELF header");
    const std::string_view h = *ident;
    const uint64_t table =
        elf.is64 ? unsigned_at(h, 0x28, 8, elf.little) : unsigned_at(h, 0x20, 4, elf.little);
    const uint64_t entry_size = unsigned_at(h, elf.is64 ? 0x3a : 0x2e, 2, elf.little);
    const uint64_t count = unsigned_at(h, elf.is64 ? 0x3c : 0x30, 2, elf.little);
    const uint64_t names_index = unsigned_at(h, elf.is64 ? 0x3e : 0x32, 2, elf.little);
    const uint64_t min_entry = elf.is64 ? 64 : 40;
    if (table == 0 || count == 0) return fail<ElfSection>(error, "the ELF file has no sections");
    if (entry_size < min_entry || count > k_max_sections || names_index >= count)
        return fail<ElfSection>(error, "the ELF section header table is malformed");
    auto headers = read_exact(read, table, entry_size * count, "ELF section header table", error);
    if (!headers) return std::nullopt;
    const Header names = header_at(*headers, names_index * entry_size, elf);
    if (names.size == 0 || names.size > k_max_name_table)
        return fail<ElfSection>(error, "the ELF section name table is malformed");
    auto name_table = read_exact(read, names.offset, names.size, "ELF section name table", error);
    if (!name_table) return std::nullopt;
    for (uint64_t i = 0; i < count; ++i) {
        const Header section = header_at(*headers, i * entry_size, elf);
        if (section.name >= name_table->size()) continue;
        const std::string_view rest = std::string_view(*name_table).substr(section.name);
        if (rest.substr(0, rest.find('\0')) == name)
            return ElfSection{section.offset, section.size};
    }
    return fail<ElfSection>(error, "the ELF file has no " + std::string(name) + " section");
}

std::optional<GoBuildInfo> parse_go_buildinfo(std::string_view section, std::string& error) {
    if (section.size() < 32 || !section.starts_with(k_buildinfo_magic))
        return fail<GoBuildInfo>(error, "no Go build information (magic missing)");
    const auto flags = static_cast<uint8_t>(section[15]);
    if ((flags & 0x2U) == 0)
        return fail<GoBuildInfo>(error,
                                 "Go build information of a Go release before 1.18 (not read)");
    std::size_t pos = 32;
    auto version = varint_string(section, pos);
    auto modules = version ? varint_string(section, pos) : std::nullopt;
    if (!version || !modules)
        return fail<GoBuildInfo>(error, "the Go build information is truncated");
    // The module text is framed by two 16-byte sentinels, the way the Go linker writes it.
    std::string text = std::move(*modules);
    if (text.size() >= 33 && text[text.size() - 17] == '\n')
        text = text.substr(16, text.size() - 32);
    return GoBuildInfo{std::move(*version), std::move(text)};
}

std::optional<GoModule> find_go_module(std::string_view modules, std::string_view path) {
    const auto lines = split(modules, '\n');
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto fields = split(lines[i], '\t');
        if (fields.size() < 3 || fields[0] != "dep" || fields[1] != path) continue;
        GoModule found{std::string(fields[1]), std::string(fields[2]), {}, {}};
        if (i + 1 < lines.size()) {
            const auto next = split(lines[i + 1], '\t');
            if (next.size() >= 3 && next[0] == "=>") {
                found.replaced_by = std::string(next[1]);
                found.replacement_version = std::string(next[2]);
            }
        }
        return found;
    }
    return std::nullopt;
}

std::string go_main_path(std::string_view modules) {
    for (const auto line : split(modules, '\n')) {
        const auto fields = split(line, '\t');
        if (fields.size() >= 2 && fields[0] == "path") return std::string(fields[1]);
    }
    return {};
}

}  // namespace kubeproof::parse
