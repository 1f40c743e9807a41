from vserve import serve

def oops(:
    pass
