import Tina4
print("Tina4 Swift v\(Tina4.version)")
