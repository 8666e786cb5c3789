import KVStdlib
print(KVStdlib.units)
