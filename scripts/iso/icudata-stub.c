/* An empty ICU common data library for the installer CD's initrd (scripts/build-iso), in place
 * of Debian's 31 MB libicudata: ICU's own stubdata.cpp, in C and without headers. libxml2
 * (the answerfile, repository metadata) links libicuuc, which links this data symbol; it only
 * needs ICU for an encoding that neither libxml2 itself nor iconv converts, and then reports
 * the encoding as unsupported. Built with -DICU_DATA_SYMBOL=icudtNN_dat. */
typedef struct {
  unsigned short headerSize; unsigned char magic1, magic2;
  struct { unsigned short size, reservedWord; unsigned char isBigEndian, charsetFamily, sizeofUChar, reservedByte;
           unsigned char dataFormat[4], formatVersion[4], dataVersion[4]; } info;
  char padding[8];
  unsigned int count, reserved;
  struct { unsigned int nameOffset, dataOffset; } toc[1];
  int fakeNameAndData[4];
} IcuDataHeader;

__attribute__((visibility("default"))) const IcuDataHeader ICU_DATA_SYMBOL = {
  32, 0xda, 0x27,
  { 20, 0, 0, 0, 2, 0, {0x43, 0x6d, 0x6e, 0x44}, {1, 0, 0, 0}, {0, 0, 0, 0} }, /* "CmnD" */
  {0}, 0, 0, {{0, 0}}, {0, 0, 0, 0}
};
