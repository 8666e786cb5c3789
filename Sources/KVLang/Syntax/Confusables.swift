/// Characters that are invisible or look like something else, with a name and a fix for the error that finds one
/// in code (strings and comments may hold anything).
enum Confusables {
    static func codePoint(_ s: Unicode.Scalar) -> String {
        let hex = String(s.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The character's name and a hint, or nil for an ordinary character.
    static func describe(_ s: Unicode.Scalar) -> (String, String)? {
        let deleteIt = "it is invisible in most editors; delete it"
        switch s.value {
        case 0x00: return ("NUL", "the file holds a NUL byte; is it a text file?")
        case 0x01...0x08, 0x0B, 0x0C, 0x0E...0x1F, 0x7F, 0x80...0x9F: return ("a control character", deleteIt)
        case 0xA0: return ("no-break space", "replace it with an ordinary space")
        case 0x2000...0x200A, 0x202F, 0x205F, 0x3000, 0x1680:
            return ("a Unicode space", "replace it with an ordinary space")
        case 0x200B: return ("zero-width space", deleteIt)
        case 0x200C: return ("zero-width non-joiner", deleteIt)
        case 0x200D: return ("zero-width joiner", deleteIt)
        case 0x2060: return ("word joiner", deleteIt)
        case 0xFEFF: return ("zero-width no-break space, a byte-order mark inside the text", deleteIt)
        case 0x00AD: return ("soft hyphen", deleteIt)
        case 0x2028, 0x2029: return ("a Unicode line separator", "use an ordinary line break")
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F:
            return ("a bidirectional text control", deleteIt)
        case 0x2212: return ("minus sign", "write `-` (the ASCII hyphen-minus)")
        case 0x2010...0x2015: return ("a dash", "write `-` (the ASCII hyphen-minus) to subtract")
        case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032:
            return ("a curly single quote", "strings use straight double quotes: \"text\"")
        case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033:
            return ("a curly double quote", "strings use straight double quotes: \"text\"")
        case 0xFFFD: return ("replacement character: the text was not valid UTF-8", "save the file as UTF-8")
        case 0xFF01...0xFF5E: return ("a full-width character", "use its ASCII form")
        default: return nil
        }
    }
}
