extension Machine {
    /// What the firmware says about the computer (SMBIOS/DMI): its serial number and UUID, as
    /// /sys/class/dmi/id/product_serial and product_uuid give them, or the profile's `"dmi"`.
    /// Empty when unknown. Used to pick a host's own answerfile (`${serial}`, `${uuid}`).
    public struct DMI: Equatable, Sendable {
        public var serial: String
        /// Lower case, `4c4c4544-0042-...`.
        public var uuid: String
        public init(serial: String = "", uuid: String = "") { self.serial = serial; self.uuid = uuid }
    }
}
