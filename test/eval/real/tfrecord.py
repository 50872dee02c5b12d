"""TensorBoard event files as torch.utils.tensorboard.SummaryWriter writes them: TFRecord framing
(length, masked CRC-32C of the length, payload, masked CRC-32C of the payload) around Event
protos holding a file_version first, then Summary values with legacy simple_value scalars."""
import struct


def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(v: int) -> bytes:
    out = bytearray()
    v &= (1 << 64) - 1
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint((field << 3) | wire)


def _length_delimited(field: int, payload: bytes) -> bytes:
    return _key(field, 2) + _varint(len(payload)) + payload


def _event(wall_time: float, step: int, body: bytes) -> bytes:
    head = _key(1, 1) + struct.pack('<d', wall_time)
    if step:
        head += _key(2, 0) + _varint(step)
    return head + body


def file_version_event(wall_time: float) -> bytes:
    return _event(wall_time, 0, _length_delimited(3, b'brain.Event:2'))


def scalar_event(wall_time: float, step: int, tag: str, value: float) -> bytes:
    summary_value = _length_delimited(1, tag.encode()) + _key(2, 5) + struct.pack('<f', value)
    return _event(wall_time, step, _length_delimited(5, _length_delimited(1, summary_value)))


def record(payload: bytes) -> bytes:
    length = struct.pack('<Q', len(payload))
    return length + struct.pack('<I', masked_crc(length)) + payload + struct.pack('<I', masked_crc(payload))
